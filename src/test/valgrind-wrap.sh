#!/bin/sh
# Run a program under valgrind's memcheck: any invalid access or leak makes
# it exit 99, which no test expects, so the test fails.  Used by
# `make check` to run the golden suite under valgrind (PBTABLE points here).
exec "${VALGRIND_BIN:-valgrind}" --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect "${VALGRIND_PROG:?}" "$@"
