#!/bin/sh
# Run one Postgres test suite against each PostgreSQL major of the matrix:
#
#   sh src/test/pg_matrix.sh LOGDIR NAME SCRIPT MAJOR...
#   sh src/test/pg_matrix.sh build/test-log pg src/test/pg_ddl.sh 14 16 18
#
# For each MAJOR (a major of src/test/pg_install.sh, which installs its
# server build when missing) runs `SUITE="NAME MAJOR" PG_BIN=... sh SCRIPT`
# with its output in LOGDIR/NAME-MAJOR.out, and prints that log's last line,
# `NAME MAJOR: N passed, N failed`, with how long the run took.  A server
# that cannot be installed is one failed test of that major, its reason in
# the log.  Exits 1 if any major failed.
dir=${1:?usage: pg_matrix.sh LOGDIR NAME SCRIPT MAJOR...}
name=${2:?usage: pg_matrix.sh LOGDIR NAME SCRIPT MAJOR...}
script=${3:?usage: pg_matrix.sh LOGDIR NAME SCRIPT MAJOR...}
shift 3
mkdir -p "$dir" || exit 1
here=$(dirname "$0")
rc=0
for m in "$@"; do
	log=$dir/$name-$m.out
	start=$(date +%s)
	if bin=$(sh "$here/pg_install.sh" "$m" 2>"$log"); then
		SUITE="$name $m" PG_BIN=$bin sh "$script" >"$log" 2>&1 || rc=1
	else
		echo "$name $m: 0 passed, 1 failed" >>"$log"
		rc=1
	fi
	echo "$(tail -n 1 "$log") ($(($(date +%s) - start)) s)"
done
exit $rc
