#!/bin/sh
# Run buf's own breaking-change cases (../shared/conformance/buf-breaking)
# and compare pbtable's findings with the real buf CLI's, as sets of
# (rule, path, start_line).  Prints one line per disagreement and ends with
# `conformance: N agree of M`.  Exit 1 if any case disagrees.
#
#   PBTABLE=build/pbtable sh src/test/conformance.sh DIR [CASE...]
# STRICT=1 also compares columns, end positions and messages.
dir=${1:?usage: conformance.sh DIR [CASE...]}
shift
pbtable=$(cd "$(dirname "${PBTABLE:-build/pbtable}")" && pwd)/$(basename "${PBTABLE:-build/pbtable}")
if [ ! -d "$dir" ]; then
	echo "conformance: $dir not found; skipped"
	echo "conformance: 0 agree of 0"
	echo "conformance: 0 passed, 0 failed"
	exit 0
fi
dir=$(cd "$dir" && pwd)
# Never go on without it: "$tmp/bin/x" would be /bin/x.
tmp=$(mktemp -d) && [ -d "$tmp" ] || { echo "conformance: no temporary directory: 0 passed, 1 failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
cases=$*
[ -n "$cases" ] || cases=$(cd "$dir" && ls -d */ | tr -d /)

# One line per finding: rule|path|start_line (STRICT: every field).
keys() {
	if [ -n "$STRICT" ]; then
		sed -e 's/^{//' -e 's/}$//' "$1"
	else
		sed -n 's/^{\("path":"\([^"]*\)",\)\{0,1\}"start_line":\([0-9]*\),.*"type":"\([A-Z0-9_]*\)".*/\4|\2|\3/p' "$1"
	fi | LC_ALL=C sort -u
}

agree=0 total=0
for c in $cases; do
	d=$dir/$c
	[ -f "$d/expected.json" ] || continue
	total=$((total + 1))
	cfg=
	[ -f "$d/buf.yaml" ] && cfg="--config $d/buf.yaml"
	mkdir -p "$tmp/run"
	# From an empty directory, as buf was run: no ./buf.yaml is picked up.
	(cd "$tmp/run" && "$pbtable" breaking "$d/current.binpb" --against "$d/previous.binpb" \
		--error-format json $cfg) > "$tmp/got.json" 2> "$tmp/err"
	rc=$?
	keys "$d/expected.json" > "$tmp/want"
	keys "$tmp/got.json" > "$tmp/got"
	want_rc=0
	[ -s "$d/expected.json" ] && want_rc=100
	if cmp -s "$tmp/want" "$tmp/got" && [ "$rc" = "$want_rc" ]; then
		agree=$((agree + 1))
	else
		echo "DISAGREE $c (exit $rc, want $want_rc)"
		diff "$tmp/want" "$tmp/got" | sed 's/^/    /' | head -n 40
		[ -s "$tmp/err" ] && sed 's/^/    stderr: /' "$tmp/err" | head -n 5
	fi
done
echo "conformance: $agree agree of $total"
# The line the test summary adds up.
echo "conformance: $agree passed, $((total - agree)) failed"
[ "$agree" = "$total" ]
