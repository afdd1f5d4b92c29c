#!/bin/sh
# rss.sh SET...: peak resident memory of pbtable against input size, for
# docs/reliability.md.  For each set: `breaking SET --against SET` (two
# loads and a full comparison) and `lock update SET` (one load), with GNU
# time's maximum resident set size.  Not part of `make check` (slow on
# big sets); run it niced.
PBTABLE=${PBTABLE:-build/pbtable}
# Never go on without it: "$tmp/bin/x" would be /bin/x.
tmp=$(mktemp -d) && [ -d "$tmp" ] || { echo "rss: no temporary directory: 0 passed, 1 failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
printf '%-28s %10s %14s %8s %14s %8s\n' set bytes breaking_kb ratio lock_kb ratio
for s in "$@"; do
	bytes=$(wc -c < "$s")
	/usr/bin/time -f %M -o "$tmp/b" "$PBTABLE" breaking "$s" --against "$s" > /dev/null 2>&1
	rm -f "$tmp/l.lock"
	/usr/bin/time -f %M -o "$tmp/l" "$PBTABLE" lock update "$s" --lock "$tmp/l.lock" > /dev/null 2>&1
	b=$(tail -n 1 "$tmp/b") l=$(tail -n 1 "$tmp/l")
	awk -v n="$(basename "$(dirname "$s")")/$(basename "$s")" -v by="$bytes" \
		-v b="$b" -v l="$l" 'BEGIN {
		printf "%-28s %10d %14d %8.1f %14d %8.1f\n", n, by, b, b * 1024 / by, l, l * 1024 / by
	}'
done
