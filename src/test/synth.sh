#!/bin/sh
# synth.sh DIR: write five successive versions of a large synthetic schema
# (FILES files x 12 messages x 20 fields, with enums and services) and
# compile them with protoc into DIR/v1.binpb .. v5.binpb.  Each version
# changes a few hundred things the way real histories do: deleted fields,
# changed types, renamed fields, new messages.  Used by `make bench` when
# the googleapis corpus is not there.
dir=${1:?usage: synth.sh DIR}
files=${FILES:-1500}
for v in 1 2 3 4 5; do
	src=$dir/synth-v$v
	rm -rf "$src"
	mkdir -p "$src"
	awk -v files="$files" -v ver="$v" -v out="$src" 'BEGIN {
		for (f = 0; f < files; f++) {
			pkg = sprintf("synth.p%d.v1", f % 200)
			path = sprintf("%s/f%05d.proto", out, f)
			printf "syntax = \"proto3\";\n\npackage %s;\n\n", pkg > path
			printf "option go_package = \"example.com/synth/p%d\";\n\n", f % 200 > path
			for (m = 0; m < 12; m++) {
				printf "// Message %d of file %d.\nmessage M%05d_%d {\n", m, f, f, m > path
				for (n = 1; n <= 20; n++) {
					k = (f * 31 + m * 7 + n) % 97
					if (k < ver - 1 && n > 10) continue        # deleted in later versions
					type = (k == 50 + ver) ? "string" : "int64"  # type changes
					name = (k == 60 + ver) ? sprintf("renamed_%d", n) : sprintf("field_%d", n)
					printf "  // The %s.\n  %s %s = %d;\n", name, (n % 5 == 0 ? "repeated " : "") type, name, n > path
				}
				printf "  enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; KIND_B = 2; }\n  Kind kind = 30;\n}\n\n" > path
			}
			if (f % 10 == 0)
				printf "service S%05d {\n  rpc Get(M%05d_0) returns (M%05d_1);\n}\n", f, f, f > path
			close(path)
		}
	}'
	(cd "$src" && protoc --include_source_info -I . -o "$dir/v$v.binpb" $(ls | sort)) || exit 1
done
