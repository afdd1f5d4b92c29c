#!/bin/sh
# synth_tables.sh DIR N [NAME]: a schema of N messages with every kind of
# column pbtables map (scalars, enum, Timestamp, nested message, repeated,
# map, oneof) compiled into DIR/NAME.binpb, and DIR/NAME.yaml listing all
# N as tables with an index each (NAME: tables).  For `make bench`: ddl
# and drift at scale.
dir=${1:?usage: synth_tables.sh DIR N [NAME]}
n=${2:-1000}
name=${3:-tables}
mkdir -p "$dir/$name-src"
awk -v n="$n" -v out="$dir/$name-src/bench.proto" -v yaml="$dir/$name.yaml" 'BEGIN {
	printf "syntax = \"proto3\";\npackage bench.v1;\nimport \"google/protobuf/timestamp.proto\";\n\n" > out
	printf "enum State { STATE_UNSPECIFIED = 0; STATE_OPEN = 1; STATE_CLOSED = 2; }\n" > out
	printf "message Address { string city = 1; string zip = 2; }\n\n" > out
	printf "tables:\n" > yaml
	for (i = 0; i < n; i++) {
		printf "message T%04d {\n  string id = 1;\n  int64 amount = 2;\n  uint64 big = 3;\n", i > out
		printf "  double ratio = 4;\n  bool ok = 5;\n  State state = 6;\n  bytes blob = 7;\n", i > out
		printf "  google.protobuf.Timestamp at = 8;\n  Address addr = 9;\n  repeated string tags = 10;\n", i > out
		printf "  map<string, int64> counts = 11;\n  oneof pay { string card = 12; string iban = 13; }\n}\n", i > out
		printf "  - message: bench.v1.T%04d\n    table: bench.t%04d\n", i, i > yaml
		printf "    columns: [all-scalars, addr.city, tags]\n    indexes: [state]\n", i > yaml
	}
}'
(cd "$dir/$name-src" && protoc --include_imports -I . -o "$dir/$name.binpb" bench.proto)
