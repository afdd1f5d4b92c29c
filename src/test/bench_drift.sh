#!/bin/sh
# bench_drift.sh: how long `pbtable drift` takes on many live pbtables
# (issue #7's target: 1,000 tables in under a second).  Writes TABLES
# messages of 12 fields (scalars, an enum, a Timestamp, a repeated field, a
# nested message, a oneof), one pbtable each with an index and the view,
# applies `pbtable ddl` to a throwaway cluster, then times `drift` (best of
# RUNS) and prints its query count.  Not part of `make check`: it takes a
# while to apply, and timings on a shared machine are noisy.
#
#   PBTABLE=build/pbtable TABLES=1000 sh src/test/bench_drift.sh
top=$(pwd)
PBTABLE=$(cd "$(dirname "${PBTABLE:-build/pbtable}")" && pwd)/$(basename "${PBTABLE:-build/pbtable}")
tables=${TABLES:-1000}
runs=${RUNS:-5}

. "$top/src/test/pg_cluster.sh"
work=$(mktemp -d)
chmod 755 "$work"
pg_start || exit 1
trap 'pg_stop; rm -rf "$work"' EXIT
# ddl --apply creates every table in one transaction: one lock each
echo "max_locks_per_transaction = $((tables * 8 / 20 + 64))" >> "$PG_DIR/data/postgresql.conf"
pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w restart >/dev/null || exit 1

awk -v n="$tables" -v out="$work/bench.proto" -v cfg="$work/pbtable.yaml" 'BEGIN {
	printf "syntax = \"proto3\";\npackage bench.v1;\n" > out
	printf "import \"google/protobuf/timestamp.proto\";\n" > out
	printf "enum Status { STATUS_UNSPECIFIED = 0; STATUS_NEW = 1; STATUS_DONE = 2; }\n" > out
	printf "message Addr { string city = 1; string zip = 2; }\n" > out
	printf "tables:\n" > cfg
	for (i = 0; i < n; i++) {
		printf "message M%04d {\n  string id = 1;\n  int32 qty = 2;\n  int64 total = 3;\n", i > out
		printf "  double price = 4;\n  bool paid = 5;\n  Status status = 6;\n" > out
		printf "  google.protobuf.Timestamp created_at = 7;\n  repeated string tags = 8;\n" > out
		printf "  Addr ship_to = 9;\n  optional uint64 big = 10;\n" > out
		printf "  oneof pay { string card = 11; string iban = 12; }\n}\n" > out
		printf "  - message: bench.v1.M%04d\n    table: b%d.m%04d\n", i, i % 10, i > cfg
		printf "    columns: [all-scalars, ship_to.city, tags]\n    indexes: [status]\n" > cfg
	}
}'
protoc --include_imports -I "$work" -o "$work/bench.binpb" bench.proto || exit 1
start=$(date +%s)
"$PBTABLE" ddl "$work/bench.binpb" --config "$work/pbtable.yaml" --apply || exit 1
echo "ddl --apply of $tables tables: $(( $(date +%s) - start )) s"
psql -X -q -c "VACUUM ANALYZE" >/dev/null

best=
i=0
while [ $i -lt "$runs" ]; do
	t0=$(date +%s%N)
	"$PBTABLE" drift "$work/bench.binpb" --config "$work/pbtable.yaml" -v > "$work/out" 2> "$work/err"
	rc=$?
	t1=$(date +%s%N)
	ms=$(( (t1 - t0) / 1000000 ))
	[ -z "$best" ] || [ $ms -lt "$best" ] && best=$ms
	i=$((i + 1))
done
echo "drift of $tables tables: best of $runs runs $best ms (exit $rc; $(sed "s|$PG_DIR:$PGPORT/||" "$work/err"))"
if [ -n "$PROFILE" ]; then
	psql -X -q -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c "SELECT pg_reload_conf()" >/dev/null
	sleep 0.3
	lines=$(wc -l < "$PG_DIR/server.log")
	/usr/bin/time -f "client: %U s user, %S s sys, %e s wall" \
		"$PBTABLE" drift "$work/bench.binpb" --config "$work/pbtable.yaml" > /dev/null
	tail -n +$((lines + 1)) "$PG_DIR/server.log" | grep -o 'duration: [0-9.]* ms  [a-z]*[^:]*: [A-Z]* [^ ]* [^ ]*' |
		sort -t: -k2 -n -r | head -n 8
fi
