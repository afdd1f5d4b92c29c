#!/bin/sh
# What the shell test suites share; source it from the top directory after
# setting `suite` (the name on the result line):
#
#   suite=${SUITE:-pg}
#   . src/test/lib.sh
#
# It sets $top (the top directory) and $PBTABLE (absolute: suites cd around),
# and defines
#   ok NAME                 a passed test:  `ok N - NAME`
#   not_ok NAME [LINE...]   a failed one:   `not ok N - NAME`, then `# LINE`s
#   finish                  the result line `<suite>: N passed, N failed`
#                           (what src/test/summary.sh adds up), then exit:
#                           status 0 only if nothing failed
#   q SQL                   psql for a suite's own queries: unaligned, tuples
#                           only, stop on error, stderr into the output
#   pg_suite_start          a throwaway cluster (src/test/pg_cluster.sh) and
#                           a scratch dir $work, both removed at exit (after
#                           the suite's own `cleanup_more`, if it defines
#                           one); a cluster that does not start is a failed
#                           test and the end of the suite

top=$(pwd)
PBTABLE=$(cd "$(dirname "${PBTABLE:-build/pbtable}")" && pwd)/$(basename "${PBTABLE:-build/pbtable}")
pass=0 fail=0 n=0

ok() {
	n=$((n + 1)) pass=$((pass + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1)) fail=$((fail + 1))
	echo "not ok $n - $1"
	shift
	for l in "$@"; do
		echo "# $l"
	done
}

finish() {
	echo "$suite: $pass passed, $fail failed"
	[ $fail = 0 ]
	exit
}

q() {
	psql -X -A -t -q -v ON_ERROR_STOP=1 -c "$1" 2>&1
}

pg_suite_cleanup() {
	command -v cleanup_more >/dev/null 2>&1 && cleanup_more
	pg_stop
	rm -rf "$work"
}

pg_suite_start() {
	. "$top/src/test/pg_cluster.sh"
	work=$(mktemp -d)
	# the server (another user) reads files the suite writes there
	chmod 755 "$work"
	pg_start
	started=$?
	trap pg_suite_cleanup EXIT	# pg_start set its own; ours removes $work too
	if [ $started != 0 ]; then
		not_ok "start a throwaway PostgreSQL cluster" "see the messages above"
		finish
	fi
	export PGTZ=UTC
	unset PGOPTIONS
}
