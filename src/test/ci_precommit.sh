#!/bin/sh
# pbtable's pre-commit hooks through the pre-commit framework itself
# (`pre-commit run` with a .pre-commit-config.yaml naming this repository's
# hooks, as docs/ci.md has it), in a real repository:
#   - pbtable-breaking: a staged break fails; a change to buf.yaml alone
#     triggers it; `run --all-files` in CI passes against HEAD and fails
#     with PBTABLE_AGAINST and with --from-ref; the first commit of an
#     empty repository passes with a message; a shallow clone says how to
#     fetch;
#   - pbtable-lock-check: fails until `pbtable lock update`, then passes;
#   - pbtable-ddl: a stale committed SQL file is rewritten and fails, then
#     passes.
# Prints `ci-precommit: N passed, N failed`.
#   PBTABLE=build/pbtable sh src/test/ci_precommit.sh
top=$(pwd)
PBTABLE=$(cd "$(dirname "${PBTABLE:-build/pbtable}")" && pwd)/$(basename "${PBTABLE:-build/pbtable}")
# Never go on without it: "$tmp/bin/x" would be /bin/x.
tmp=$(mktemp -d) && [ -d "$tmp" ] || { echo "ci-precommit: no temporary directory: 0 passed, 1 failed"; exit 1; }
[ -d "$tmp" ] || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; echo "# $2"; }
if ! command -v pre-commit > /dev/null 2>&1; then
	not_ok "pre-commit" "pre-commit is not installed (make deps)"
	echo "ci-precommit: $pass passed, $fail failed"
	exit 1
fi
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
export PRE_COMMIT_HOME="$tmp/pre-commit-home"
unset PBTABLE_AGAINST PRE_COMMIT_FROM_REF
mkdir -p "$tmp/bin"
ln -s "$PBTABLE" "$tmp/bin/pbtable"
PATH=$tmp/bin:$PATH
export PATH

# The hook repository: this one's hook files, committed (pre-commit
# clones it at `rev`).
hooks=$tmp/hooks
mkdir -p "$hooks/ci/pre-commit"
cp "$top/.pre-commit-hooks.yaml" "$hooks/"
cp "$top/ci/pre-commit/hook.sh" "$hooks/ci/pre-commit/"
(cd "$hooks" && git -c init.defaultBranch=main init -q . && git add . &&
	git commit -qm hooks && git tag v0.0.0-test) || exit 1
config() {	# HOOK-ID ARGS-YAML...: one hook from the hook repository
	printf 'repos:\n  - repo: %s\n    rev: v0.0.0-test\n    hooks:\n' "$hooks"
	while [ $# -gt 0 ]; do
		printf '      - id: %s\n' "$1"
		[ -z "$2" ] || printf '        args: %s\n' "$2"
		shift 2
	done
}
# pc NAME CMD...: run pre-commit (or git), keep output and status
pc() {
	name=$1
	shift
	"$@" > "$tmp/$name.out" 2>&1
	echo $? > "$tmp/$name.rc"
}
want() {	# TEST NAME RC TEXT
	rc=$(cat "$tmp/$2.rc")
	if [ "$rc" != "$3" ]; then
		not_ok "$1" "exit $rc, want $3: $(tail -n 8 "$tmp/$2.out")"
	elif [ -n "$4" ] && ! grep -qF -- "$4" "$tmp/$2.out"; then
		not_ok "$1" "'$4' missing: $(tail -n 8 "$tmp/$2.out")"
	else
		ok "$1"
	fi
}

proto() {	# TYPE: order.proto with quantity of TYPE
	mkdir -p proto/shop/v1
	cat > proto/shop/v1/order.proto <<PROTO
syntax = "proto3";

package shop.v1;

message Order {
  string id = 1;
  $1 quantity = 2;
}
PROTO
}

# ---------------------------------------------------------------- breaking
repo=$tmp/repo
mkdir -p "$repo"
cd "$repo" || exit 1
git -c init.defaultBranch=main init -q .
config pbtable-breaking '[proto, -I, proto]' > .pre-commit-config.yaml
proto int32
git add .
pc first pre-commit run --verbose
want "empty repository: the first commit passes, saying why" first 0 \
	"this repository has no commit yet: nothing to compare with"
git commit -qm v1
proto string
git add proto
pc staged pre-commit run
want "a staged break fails the hook" staged 1 'changed type from "int32" to "string"'
git commit -qm v2 --no-verify
pc allfiles pre-commit run --all-files
want "run --all-files in CI: passes against HEAD (nothing staged)" allfiles 0
PBTABLE_AGAINST=git:HEAD~1 pc against pre-commit run --all-files
want "run --all-files with PBTABLE_AGAINST=git:HEAD~1 fails" against 1 'changed type from "int32" to "string"'
pc fromref pre-commit run --from-ref HEAD~1 --to-ref HEAD
want "run --from-ref HEAD~1 --to-ref HEAD fails" fromref 1 'changed type from "int32" to "string"'
# A config change alone triggers the hook: a rule excluded by buf.yaml.
printf 'version: v2\nbreaking:\n  use: [FILE]\n  except: [FIELD_SAME_TYPE]\n' > buf.yaml
git add buf.yaml
PBTABLE_AGAINST=git:HEAD~1 pc bufyaml pre-commit run
want "buf.yaml staged alone runs the hook (and its except applies)" bufyaml 0 "....Passed"
git reset -q buf.yaml && rm buf.yaml

# A shallow clone: HEAD~1 is not there.
git clone -q --depth 1 "file://$repo" "$tmp/shallow"
cd "$tmp/shallow" || exit 1
PBTABLE_AGAINST=git:HEAD~1 pc shallow pre-commit run --all-files
want "shallow clone: says how to fetch OLD" shallow 1 \
	"'HEAD~1' is not in this shallow clone: fetch it (git fetch --depth=1 origin HEAD~1)"

# ---------------------------------------------------------------- lock check
cd "$repo" || exit 1
config pbtable-lock-check '[proto, -I, proto]' > .pre-commit-config.yaml
"$PBTABLE" lock update proto -I proto > /dev/null
git add pbtable.lock .pre-commit-config.yaml && git commit -qm lock --no-verify
cat >> proto/shop/v1/order.proto <<'PROTO'
message Invoice {
  string id = 1;
}
PROTO
git add proto
pc lock1 pre-commit run
want "lock check: a new message not in the lock fails" lock1 1 \
	"+ message shop.v1.Invoice field 1 id json=id type=string card=implicit"
"$PBTABLE" lock update proto -I proto > /dev/null
git add pbtable.lock
pc lock2 pre-commit run
want "lock check: passes after lock update" lock2 0
git commit -qm invoice --no-verify

# ---------------------------------------------------------------- ddl
printf 'tables:\n  - message: shop.v1.Order\n    primary_key: id\n' > pbtable.yaml
config pbtable-ddl '[--sql, db/schema.sql, proto, -I, proto, --config, pbtable.yaml]' > .pre-commit-config.yaml
mkdir -p db
"$PBTABLE" ddl proto -I proto --config pbtable.yaml -o db/schema.sql
git add . && git commit -qm ddl --no-verify
pc ddl0 pre-commit run --all-files
want "ddl: the committed SQL is up to date: passes" ddl0 0
proto int64
git add proto
pc ddl1 pre-commit run
want "ddl: a stale SQL file is rewritten and the hook fails" ddl1 1 \
	"db/schema.sql was not what \`pbtable ddl proto -I proto --config pbtable.yaml\` prints: rewritten"
if grep -q 'quantity bigint' db/schema.sql; then
	ok "ddl: ... with the new column type"
else
	not_ok "ddl: ... with the new column type" "$(grep quantity db/schema.sql)"
fi
git add db/schema.sql
pc ddl2 pre-commit run
want "ddl: passes once the rewrite is staged" ddl2 0

echo "ci-precommit: $pass passed, $fail failed"
[ $fail = 0 ]
