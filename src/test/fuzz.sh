#!/bin/sh
# make fuzz: run each libFuzzer target for FUZZ_SECONDS on its corpus
# (build/fuzz/corpus/<t>, seeded from testdata/fuzz/<t>), then print the
# final statistics.  Crash reproducers land in build/fuzz/crashes/<t>/:
# fix the bug, then keep the reproducer as testdata/fuzz/<t>/crash-<what>
# so `make check` replays it forever.
secs=${FUZZ_SECONDS:-60}
status=0
for t in "$@"; do
	corpus=build/fuzz/corpus/$t
	crashes=build/fuzz/crashes/$t
	mkdir -p "$corpus" "$crashes"
	echo "fuzz: $t for ${secs}s"
	build/fuzz/fuzz-$t -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$crashes/" -timeout=20 -rss_limit_mb=4096 \
		"$corpus" "testdata/fuzz/$t" > "build/fuzz/$t.log" 2>&1 || status=1
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+[[:space:]]+DONE)' "build/fuzz/$t.log" |
		sed "s/^/  $t: /"
	n=$(ls "$crashes" | wc -l)
	[ "$n" = 0 ] || { echo "  $t: $n crash file(s) in $crashes"; status=1; }
done
exit $status
