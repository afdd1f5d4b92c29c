#!/bin/sh
# Add up the `<suite>: N passed, N failed` lines of every log in $1 and
# print the total as the last line: `tests: N passed, N failed`.
dir=${1:?usage: summary.sh LOGDIR}
tail -q -n 1 "$dir"/*.out | awk '
	/: [0-9]+ passed, [0-9]+ failed$/ {
		n = split($0, w, " ")
		p += w[n - 3]; f += w[n - 1]
		next
	}
	{ bad++ }
	END {
		if (bad) { print "summary: " bad " suite(s) ended without a result line"; f += bad }
		print "tests: " p " passed, " f " failed"
		exit (f > 0)
	}'
