#!/bin/sh
# The CI gate end to end, as a user wires it: a real git repository in a
# temporary directory, v1 protos committed, then changed and staged, and
#   1. `pbtable breaking . --against git:HEAD` as typed,
#   2. the entry and args of .pre-commit-hooks.yaml, run as a command,
#   3. the pre-commit framework itself (`pre-commit try-repo` on this
#      repository's hook), when pre-commit is installed (skipped if not),
# each of which must report the finding and fail; then history, lock,
# ddl and migrate with git:REF, directory and .proto inputs.  Prints
# `ci: N passed, N failed`.
#   PBTABLE=build/pbtable sh src/test/ci_git.sh
suite=ci
. src/test/lib.sh
# Never go on without it: "$tmp/bin/x" would be /bin/x.
tmp=$(mktemp -d) && [ -d "$tmp" ] || { echo "ci_git: no temporary directory: 0 passed, 1 failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
want='proto/shop/v1/order.proto:7:3:Field "2" with name "quantity" on message "Order" changed type from "int32" to "string".'

# The finding and exit 100, or a failed test.
expect() {
	name=$1 out=$2 rc=$3
	if [ "$rc" != 100 ]; then
		not_ok "$name" "exit $rc, want 100: $(head -n 3 "$out")"
	elif ! grep -qF "$want" "$out"; then
		not_ok "$name" "finding missing: $(head -n 3 "$out")"
	else
		ok "$name"
	fi
}

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
repo=$tmp/repo
mkdir -p "$repo/proto/shop/v1" "$tmp/bin"
cd "$repo" || exit 1
git -c init.defaultBranch=main init -q .
cat > proto/shop/v1/order.proto <<'PROTO'
syntax = "proto3";

package shop.v1;

message Order {
  string id = 1;
  int32 quantity = 2;
}
PROTO
git add . && git commit -qm v1
sed 's/int32 quantity/string quantity/' proto/shop/v1/order.proto > x && mv x proto/shop/v1/order.proto
git add proto

"$PBTABLE" breaking . --against git:HEAD > "$tmp/out" 2>&1
expect "breaking . --against git:HEAD" "$tmp/out" $?

# The hook as pre-commit runs it: its entry and args from
# .pre-commit-hooks.yaml, run from this repository (language: script).
entry=$(sed -n '/^- id: pbtable-breaking$/,/^- id:/s/^  entry: //p' "$top/.pre-commit-hooks.yaml")
args=$(sed -n '/^- id: pbtable-breaking$/,/^- id:/s/^  args: \[\(.*\)\]$/\1/p' "$top/.pre-commit-hooks.yaml" | tr -d '",')
ln -sf "$PBTABLE" "$tmp/bin/pbtable"
if [ "$entry" != "ci/pre-commit/hook.sh breaking" ] || [ -z "$args" ]; then
	not_ok "pre-commit hook entry" "cannot read entry/args: '$entry' '$args'"
else
	# shellcheck disable=SC2086
	PATH=$tmp/bin:$PATH "$top"/$entry $args > "$tmp/out" 2>&1
	expect "pre-commit hook entry: $entry $args" "$tmp/out" $?
fi

if command -v pre-commit > /dev/null 2>&1; then
	# try-repo clones the hook repository: give it one with the hooks.
	hooks=$tmp/hooks
	mkdir -p "$hooks/ci/pre-commit"
	cp "$top/.pre-commit-hooks.yaml" "$hooks/"
	cp "$top/ci/pre-commit/hook.sh" "$hooks/ci/pre-commit/"
	(cd "$hooks" && git -c init.defaultBranch=main init -q . && git add . &&
		git commit -qm hooks)
	PATH=$tmp/bin:$PATH PRE_COMMIT_HOME=$tmp/pre-commit-home \
		pre-commit try-repo "$hooks" pbtable-breaking > "$tmp/out" 2>&1
	rc=$?
	# pre-commit exits 1 for a failed hook and prints its output.
	[ $rc = 1 ] && rc=100
	[ -n "$CI_GIT_VERBOSE" ] && cat "$tmp/out"
	expect "pre-commit try-repo pbtable-breaking" "$tmp/out" $rc
else
	echo "ok - pre-commit framework # SKIP pre-commit not installed"
fi

# The gate passes once the change is compatible again.
sed 's/string quantity/int32 quantity/' proto/shop/v1/order.proto > x && mv x proto/shop/v1/order.proto
printf '  int64 total = 3;\n}\n' > x && sed '$d' proto/shop/v1/order.proto > y &&
	cat y x > proto/shop/v1/order.proto && rm -f x y
if "$PBTABLE" breaking . --against git:HEAD > "$tmp/out" 2>&1; then
	ok "compatible change passes"
else
	not_ok "compatible change passes" "$(head -n 3 "$tmp/out")"
fi
if [ -n "$(git stash list)" ] || [ "$(git status --short)" != "M  proto/shop/v1/order.proto" ] &&
	[ "$(git status --short)" != "MM proto/shop/v1/order.proto" ]; then
	not_ok "work tree, index and stash untouched" "$(git status --short; git stash list)"
else
	ok "work tree, index and stash untouched"
fi

# The other commands take the same inputs: commit the compatible change
# as v2 and make total a string in the work tree.
git commit -qam v2
sed 's/int64 total/string total/' proto/shop/v1/order.proto > x && mv x proto/shop/v1/order.proto
want_total='Field "3" with name "total" on message "Order" changed type from "int64" to "string".'
# has NAME RC WANT_RC TEXT: exit WANT_RC and TEXT in $tmp/out
has() {
	if [ "$2" != "$3" ]; then
		not_ok "$1" "exit $2, want $3: $(head -n 3 "$tmp/out")"
	elif [ -z "$4" ] && [ -s "$tmp/out" ]; then
		not_ok "$1" "want no output: $(head -n 3 "$tmp/out")"
	elif [ -n "$4" ] && ! grep -qF -- "$4" "$tmp/out"; then
		not_ok "$1" "'$4' missing: $(head -n 3 "$tmp/out")"
	else
		ok "$1"
	fi
}
"$PBTABLE" history git:HEAD~1 git:HEAD > "$tmp/out" 2>&1
has "history git:HEAD~1 git:HEAD: compatible" $? 0 ""
"$PBTABLE" history git:HEAD~1 git:HEAD proto > "$tmp/out" 2>&1
has "history git:HEAD~1 git:HEAD proto: the work tree breaks v2" $? 100 \
	"proto vs git:HEAD: proto/shop/v1/order.proto:8:3:$want_total"
"$PBTABLE" lock update git:HEAD~1:proto --lock "$tmp/lock" > "$tmp/out" 2>&1 &&
	"$PBTABLE" lock update git:HEAD:proto --lock "$tmp/lock" > "$tmp/out" 2>&1
has "lock update git:HEAD~1:proto, then git:HEAD:proto" $? 0 \
	"1 entry added, 3 in all"
"$PBTABLE" breaking proto --lock "$tmp/lock" > "$tmp/out" 2>&1
has "breaking proto --lock: the work tree against the lock" $? 100 \
	"proto/shop/v1/order.proto:8:3:$want_total"
printf 'tables:\n  - message: shop.v1.Order\n    primary_key: id\n' > "$tmp/pbtable.yaml"
"$PBTABLE" ddl git:HEAD:proto --config "$tmp/pbtable.yaml" > "$tmp/out" 2>&1
has "ddl git:HEAD:proto" $? 0 \
	"total bigint GENERATED ALWAYS AS (pbtable.int64_v2(data, 'total', NULL, 0)) STORED"
"$PBTABLE" ddl proto/shop/v1/order.proto -I proto --config "$tmp/pbtable.yaml" > "$tmp/out" 2>&1
has "ddl of a .proto file with -I" $? 0 \
	"total text GENERATED ALWAYS AS (pbtable.text_v2(data, 'total', NULL, '')) STORED"
"$PBTABLE" migrate proto --against git:HEAD --config "$tmp/pbtable.yaml" > "$tmp/out" 2>&1
has "migrate proto --against git:HEAD: refused, stored JSON would change meaning" $? 1 \
	"refusing to migrate public.order: $want_total"
"$PBTABLE" ddl git:nosuchref:proto --config "$tmp/pbtable.yaml" > "$tmp/out" 2>&1
has "ddl of an unknown git ref: exit 1, the ref named" $? 1 \
	"pbtable: git:nosuchref:proto: unknown git ref 'nosuchref'"

finish
