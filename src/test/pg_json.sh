#!/bin/sh
# The JSON oracle: pbtables read and write proto3 JSON as protobuf's own
# parser does.  Starts a throwaway cluster (src/test/pg_cluster.sh),
# applies `pbtable ddl` for testdata/pgtest/json twice (plain, and with
# --strict into schema strict), then src/test/json_oracle.py generates
# documents (canonical, other accepted spellings, invalid values), inserts
# them and compares every column, and the strict table's verdict, with
# Debian's python3-protobuf (json_format); then writes typed values
# through the view and has the parser read back what it wrote.  A
# difference fails unless docs/pbtables.md lists its kind as deliberate.
#
#   PBTABLE=build/pbtable sh src/test/pg_json.sh [N_DOCUMENTS [SEED]]
#
# Ends with `json oracle: N agree, N differ` and `json: N passed, N failed`
# ($SUITE instead of json when set).
top=$(pwd)
PBTABLE=$(cd "$(dirname "${PBTABLE:-build/pbtable}")" && pwd)/$(basename "${PBTABLE:-build/pbtable}")
PYTHON=${PYTHON:-/usr/bin/python3}
suite=${SUITE:-json}
td=$top/testdata/pgtest/json

failed() {
	echo "not ok - $1"
	[ -n "$2" ] && sed 's/^/# /' "$2"
	echo "$suite: 0 passed, 1 failed"
	exit 1
}

cleanup() {
	pg_stop
	rm -rf "$work"
}

if ! "$PYTHON" -c 'import google.protobuf.json_format' 2>/dev/null; then
	failed "$PYTHON has no google.protobuf (make deps installs python3-protobuf)"
fi
. "$top/src/test/pg_cluster.sh"
work=$(mktemp -d)
pg_start || failed "start a throwaway PostgreSQL cluster"
trap cleanup EXIT
export PGTZ=UTC
unset PGOPTIONS

protoc --include_imports -I "$td" -o "$work/oracle.binpb" oracle.proto \
	2>"$work/err" || failed "protoc oracle.proto" "$work/err"
"$PBTABLE" ddl "$work/oracle.binpb" --config "$td/pbtable.yaml" --apply \
	2>"$work/err" || failed "ddl --apply" "$work/err"
sed 's/table: oracle\.all_types/table: strict.all_types/' "$td/pbtable.yaml" >"$work/strict.yaml"
"$PBTABLE" ddl "$work/oracle.binpb" --config "$work/strict.yaml" --strict --apply \
	2>"$work/err" || failed "ddl --strict --apply" "$work/err"
SUITE=$suite PYTHONHASHSEED=0 "$PYTHON" "$top/src/test/json_oracle.py" "$work/oracle.binpb" \
	"$top/docs/pbtables.md" "${1:-5000}" "${2:-14}"
