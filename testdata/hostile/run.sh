# Sourced by testdata/hostile/*/cmd, in a scratch copy of the case holding
# set.binpb (the hostile set: set.txtpb encoded, or made by the case's
# gen.sh) and pbtable.yaml (a table for a message of the set).  Runs every
# command that reads a descriptor set on it (ddl and migrate print only
# their first 20 lines), against itself and against the well-formed
# normal/h.proto.  Each must end in a clear one-line error
# (exit 1) or handle the set (0, or 100 for a break): never a crash, a hang
# or an exit 0 that hides a break.
(cd "$TESTDATA/hostile/normal" && protoc --include_imports --include_source_info \
	-I . -o "$OLDPWD/normal.binpb" h.proto) || exit 2
[ -f gen.sh ] && { sh ./gen.sh > set.binpb || exit 2; }
run() {
	echo "\$ pbtable $*"
	timeout 120 "$PBTABLE" "$@" > run.out 2>&1
	rc=$?
	head -n 20 run.out
	echo "exit $rc"
}
run breaking set.binpb --against set.binpb
run breaking set.binpb --against normal.binpb
run breaking normal.binpb --against set.binpb
run ddl set.binpb
run migrate set.binpb --against normal.binpb
run migrate normal.binpb --against set.binpb
run history normal.binpb set.binpb normal.binpb
run lock update normal.binpb --lock h.lock
run breaking set.binpb --lock h.lock
# --force: the hostile set is recorded whatever breaks (printed), as a
# person accepting it would.
run lock update set.binpb --lock h.lock --force
run breaking normal.binpb --lock h.lock
