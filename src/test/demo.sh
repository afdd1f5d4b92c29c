#!/bin/sh
# make demo: compile the two example versions in testdata/demo with protoc
# and show what `pbtable breaking` says about the change, with buf's
# default rules and with the WIRE_JSON category.
pbtable=${1:-build/pbtable}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for v in v1 v2; do
	(cd testdata/demo/$v && protoc --include_imports --include_source_info -I . \
		-o "$tmp/$v.binpb" $(find . -name '*.proto' | sed 's|^\./||')) || exit 1
done
run() {
	printf '$ pbtable breaking v2.binpb --against v1.binpb'
	for a in "$@"; do
		case $a in
		*[!A-Za-z0-9_./-]*) printf " '%s'" "$a" ;;
		*) printf ' %s' "$a" ;;
		esac
	done
	echo
	(cd "$tmp" && "$OLDPWD/$pbtable" breaking v2.binpb --against v1.binpb "$@")
	echo "(exit status $?)"
	echo
}
echo "testdata/demo: shop.v1.Order, version 1 -> version 2"
echo
run
run --config '{"version":"v2","breaking":{"use":["WIRE_JSON"]}}'
run --config '{"version":"v2","breaking":{"use":["WIRE"]}}' --error-format json
