#!/bin/sh
# Golden tests: every testdata/<area>/<case>/ with a want.rc file.
#
# In a scratch copy of the case, each subdirectory holding .proto files
# (old/, new/, v1/, ...) is compiled with
#   protoc --include_imports --include_source_info -I <dir> -o <dir>.binpb
# and each *.txtpb (a FileDescriptorSet in text format, for inputs protoc
# 3.21 cannot compile, such as editions) is encoded to *.binpb with
# testdata/proto/descriptor.proto.  Then the case's `cmd` file runs (a
# shell snippet with $PBTABLE), or by default
#   $PBTABLE breaking new.binpb --against old.binpb $(cat args)
# stdout, exit status and (if want.stderr exists) stderr must match.
#
#   PBTABLE=build/pbtable sh src/test/golden.sh [CASE_DIR...]
#   UPDATE=1 ... rewrites want.* from what the tool does now (review the diff!)
top=$(pwd)
# Cases may share files: testdata/hostile/*/cmd source $TESTDATA/hostile/run.sh.
TESTDATA=$top/testdata
export TESTDATA
PBTABLE=$(cd "$(dirname "${PBTABLE:-build/pbtable}")" && pwd)/$(basename "${PBTABLE:-build/pbtable}")
export PBTABLE
# Cases may read repository files (man pages, docs) through $PBT_TOP.
PBT_TOP=$top
export PBT_TOP
suite=${SUITE:-golden}
# Never go on without it: "$tmp/bin/x" would be /bin/x.
tmp=$(mktemp -d) && [ -d "$tmp" ] || { echo "golden: no temporary directory: 0 passed, 1 failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
cases=$*
[ -n "$cases" ] || cases=$(find testdata -name want.rc | sed 's|/want.rc$||' | LC_ALL=C sort)
pass=0 fail=0

for c in $cases; do
	w=$tmp/case
	rm -rf "$w"
	cp -r "$c" "$w"
	ok=1 why=
	for d in "$w"/*/; do
		d=${d%/}
		[ -d "$d" ] || continue
		files=$(cd "$d" && find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)
		[ -n "$files" ] || continue
		if ! (cd "$d" && protoc --include_imports --include_source_info -I . \
			-o "$d.binpb" $files) 2> "$tmp/protoc.err"; then
			ok=0 why="protoc failed on $(basename "$d"): $(head -n 1 "$tmp/protoc.err")"
		fi
	done
	for t in "$w"/*.txtpb; do
		[ -f "$t" ] || continue
		if ! protoc --encode=google.protobuf.FileDescriptorSet \
			-I "$top/testdata/proto" "$top/testdata/proto/descriptor.proto" \
			< "$t" > "${t%.txtpb}.binpb" 2> "$tmp/protoc.err"; then
			ok=0 why="protoc --encode failed on $(basename "$t"): $(head -n 1 "$tmp/protoc.err")"
		fi
	done
	if [ $ok = 1 ]; then
		if [ -f "$w/cmd" ]; then
			(cd "$w" && sh ./cmd) > "$tmp/out" 2> "$tmp/err" < /dev/null
		else
			args=
			[ -f "$w/args" ] && args=$(cat "$w/args")
			(cd "$w" && eval "\"\$PBTABLE\" breaking new.binpb --against old.binpb $args") \
				> "$tmp/out" 2> "$tmp/err" < /dev/null
		fi
		echo $? > "$tmp/rc"
		if [ -n "$UPDATE" ]; then
			cp "$tmp/out" "$c/want.stdout"
			cp "$tmp/rc" "$c/want.rc"
			[ -f "$c/want.stderr" ] && cp "$tmp/err" "$c/want.stderr"
		fi
		[ -f "$c/want.stdout" ] || : > "$c/want.stdout"
		if ! cmp -s "$tmp/rc" "$c/want.rc"; then
			ok=0 why="exit $(cat "$tmp/rc"), want $(cat "$c/want.rc")"
		elif ! cmp -s "$tmp/out" "$c/want.stdout"; then
			ok=0 why="stdout differs: $(diff "$c/want.stdout" "$tmp/out" | sed -n 2p)"
		elif [ -f "$c/want.stderr" ] && ! cmp -s "$tmp/err" "$c/want.stderr"; then
			ok=0 why="stderr differs: $(diff "$c/want.stderr" "$tmp/err" | sed -n 2p)"
		fi
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
		echo "ok - $c"
	else
		fail=$((fail + 1))
		echo "not ok - $c"
		echo "# $why"
	fi
done
echo "$suite: $pass passed, $fail failed"
[ $fail = 0 ]
