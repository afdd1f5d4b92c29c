#!/bin/sh
# templates/breaking.yml, the GitLab CI/CD component, as GitLab would
# read and run it (src/test/gl_component.py does GitLab's part):
#   - structure: its spec:inputs (stage, input, against, args, cache,
#     ref, ...), the jobs with inputs put in, one pipeline per change
#     (rules for merge request, branch with and without an open merge
#     request, tag), the Code Quality report, the cache of the binary by
#     pbtable's version;
#   - GitLab's CI JSON schema (as gitlab-ci-local ships it on npm; cached
#     in build/npm) on the component and on the jobs made from it, and on
#     a broken job, which it must reject;
#   - the job's script run with faked CI variables in a shallow clone: a
#     merge request with an empty cache (pbtable built from this
#     repository at its commit, as `ref`, the base fetched, exit 100, the Code
#     Quality report from the same run), the same with the cache restored
#     (no make), a branch push, a new branch, a missing package.
# Prints `ci-gitlab: N passed, N failed`.
#   sh src/test/ci_gitlab.sh
top=$(pwd)
PY=/usr/bin/python3
GL=$top/src/test/gl_component.py
# Never go on without it: "$tmp/bin/x" would be /bin/x.
tmp=$(mktemp -d) && [ -d "$tmp" ] || { echo "ci-gitlab: no temporary directory: 0 passed, 1 failed"; exit 1; }
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
unset MAKEFLAGS MAKELEVEL MFLAGS
sha=$(git -C "$top" rev-parse HEAD)
job=pbtable-breaking

# ---------------------------------------------------------------- structure
jq_() {	# FILE PYTHON-EXPRESSION-ON-d
	$PY -c "import json, sys; d = json.load(open(sys.argv[1])); print($2)" "$1"
}
echo '{}' > "$tmp/in0.json"
$PY "$GL" interpolate "$top/templates/breaking.yml" "$tmp/in0.json" > "$tmp/jobs0.json" ||
	not_ok "interpolate with the defaults" "$(cat "$tmp/jobs0.json")"
check "spec:inputs stage, input, against, args, cache; ref defaults to VERSION" "True v$(cat VERSION)" \
	"$($PY -c 'import sys, yaml
h = yaml.safe_load(open(sys.argv[1]).read().split("\n---\n")[0])["spec"]["inputs"]
print(all(k in h for k in ("stage", "input", "against", "args", "cache")) and h["cache"]["type"] == "boolean", h["ref"]["default"])' "$top/templates/breaking.yml")"
check "defaults: stage test, input ." "test ." \
	"$(jq_ "$tmp/jobs0.json" "d['$job']['stage'], d['$job']['variables']['PBTABLE_INPUT']")"
echo '{"stage": "lint", "input": "proto", "args": "-I proto", "cache": false}' > "$tmp/in1.json"
$PY "$GL" interpolate "$top/templates/breaking.yml" "$tmp/in1.json" > "$tmp/jobs1.json"
check "inputs: stage lint, input proto, args, cache false" "lint proto -I proto false" \
	"$(jq_ "$tmp/jobs1.json" "d['$job']['stage'], d['$job']['variables']['PBTABLE_INPUT'], d['$job']['variables']['PBTABLE_ARGS'], d['$job']['variables']['PBTABLE_CACHE']")"
echo '{"stag": "lint"}' > "$tmp/bad.json"
if $PY "$GL" interpolate "$top/templates/breaking.yml" "$tmp/bad.json" > /dev/null 2>&1; then
	not_ok "an unknown input is refused" "accepted"
else
	ok "an unknown input is refused"
fi
check "Code Quality report, kept on failure" "gl-code-quality-report.json always" \
	"$(jq_ "$tmp/jobs0.json" "d['$job']['artifacts']['reports']['codequality'], d['$job']['artifacts']['when']")"
check "the cache: the binary by pbtable's version" "pbtable-v$(cat VERSION)-debian:12 ['.pbtable-bin/']" \
	"$(jq_ "$tmp/jobs0.json" "d['$job']['cache']['key'], d['$job']['cache']['paths']")"
rules() {	# VARS-JSON
	echo "$1" > "$tmp/vars.json"
	$PY "$GL" rules "$tmp/jobs0.json" "$job" "$tmp/vars.json"
}
check "rules: merge request pipeline runs" run \
	"$(rules '{"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "3"}')"
check "rules: branch pipeline of a branch with an open MR does not (no duplicate)" never \
	"$(rules '{"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "f", "CI_OPEN_MERGE_REQUESTS": "o/r!3"}')"
check "rules: branch pipeline without an MR runs" run \
	"$(rules '{"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main"}')"
check "rules: tag pipeline does not" never \
	"$(rules '{"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_TAG": "v1"}')"

# ---------------------------------------------------------------- schema
# GitLab's own schema (gitlab-org/gitlab's ci.json), as gitlab-ci-local
# 4.65.0 ships it; its later versions bundle it beyond reach.
. "$top/src/test/npm_tools.sh"
schema=$(npm_gitlab_schema)
if [ ! -s "$schema" ]; then
	not_ok "GitLab's CI schema" "no schema: $(tail -n 3 "$npm_dir/npm.log" 2>/dev/null)"
else
	$PY -c 'import json, sys, yaml; yaml.safe_dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"))' \
		"$tmp/jobs0.json" "$tmp/jobs0.yml"
	if out=$($PY "$GL" schema "$schema" "$top/templates/breaking.yml" "$tmp/jobs0.yml" 2>&1); then
		ok "GitLab's CI schema: the component and the jobs made from it"
	else
		not_ok "GitLab's CI schema: the component and the jobs made from it" "$out"
	fi
	printf 'job:\n  script: [x]\n  artifacts:\n    reports:\n      codequality: 5\n  rules:\n    - iff: $X\n' > "$tmp/broken.yml"
	if $PY "$GL" schema "$schema" "$tmp/broken.yml" > /dev/null 2>&1; then
		not_ok "GitLab's CI schema: rejects a broken job" "accepted"
	else
		ok "GitLab's CI schema: rejects a broken job"
	fi
fi

# ---------------------------------------------------------------- script
# The project: v1, then v2 changes a field's type; cloned at depth 1.
mkdir -p "$tmp/origin/proto/shop/v1"
cd "$tmp/origin" || exit 1
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
git commit -qam v2
v1=$(git rev-parse HEAD~1)
cd "$top" || exit 1

mkdir -p "$tmp/bin"
real_make=$(command -v make)
cat > "$tmp/bin/make" <<STUB
#!/bin/sh
echo "make \$*" >> "$tmp/make.log"
exec "$real_make" "\$@"
STUB
cat > "$tmp/bin/apt-get" <<STUB
#!/bin/sh
echo "apt-get \$*" >> "$tmp/apt.log"
STUB
cat > "$tmp/bin/dpkg-query" <<'STUB'
#!/bin/sh
for p; do :; done
case " $FAKE_MISSING " in *" $p "*) exit 1 ;; esac
printf 'install ok installed'
STUB
chmod +x "$tmp/bin/make" "$tmp/bin/apt-get" "$tmp/bin/dpkg-query"

# job NAME INPUTS-JSON CI-VARIABLES...: the job's script in a fresh
# depth-1 clone, its variables and the CI ones in the environment; a
# .pbtable-bin left by the last job is restored as the cache would.
job() {
	name=$1 inputs=$2
	shift 2
	rm -rf "$tmp/ws"
	git clone -q --depth 1 "file://$tmp/origin" "$tmp/ws" || exit 1
	[ ! -d "$tmp/cache" ] || cp -r "$tmp/cache" "$tmp/ws/.pbtable-bin"
	echo "$inputs" > "$tmp/in.json"
	$PY "$GL" interpolate "$top/templates/breaking.yml" "$tmp/in.json" > "$tmp/jobs.json"
	$PY "$GL" script "$tmp/jobs.json" "$job" > "$tmp/script.sh"
	vars=$($PY -c 'import json, shlex, sys
for k, v in json.load(open(sys.argv[1]))[sys.argv[2]]["variables"].items():
    print("%s=%s" % (k, shlex.quote(v)))' "$tmp/jobs.json" "$job")
	: > "$tmp/make.log"
	(
		cd "$tmp/ws" || exit 1
		eval "export $(echo "$vars" | tr '\n' ' ')"
		for v in "$@"; do export "$v"; done
		export CI=true GITLAB_CI=true CI_PROJECT_DIR="$tmp/ws" PATH="$tmp/bin:$PATH"
		bash --noprofile --norc -eo pipefail "$tmp/script.sh"
	) > "$tmp/$name.log" 2>&1
	echo $? > "$tmp/$name.rc"
	if [ -d "$tmp/ws/.pbtable-bin" ]; then
		rm -rf "$tmp/cache"
		cp -r "$tmp/ws/.pbtable-bin" "$tmp/cache"
	fi
	cp "$tmp/ws/gl-code-quality-report.json" "$tmp/$name.gl" 2>/dev/null || : > "$tmp/$name.gl"
}
has() {	# TEST NAME TEXT
	if grep -qF -- "$3" "$tmp/$2.log"; then ok "$1"; else not_ok "$1" "'$3' not in: $(tail -n 5 "$tmp/$2.log")"; fi
}
rc() { cat "$tmp/$1.rc"; }
finding='proto/shop/v1/order.proto:7:3:Field "2" with name "quantity" on message "Order" changed type from "int32" to "string".'
mr="CI_PIPELINE_SOURCE=merge_request_event CI_MERGE_REQUEST_DIFF_BASE_SHA=$v1"
repo='{"input": "proto", "args": "-I proto", "repository": "file://'$top'", "ref": "'$sha'"}'

: > "$tmp/apt.log"
# shellcheck disable=SC2086
job mr "$repo" $mr
check "merge request, empty cache: exit 100" 100 "$(rc mr)"
if grep -q "build/pbtable" "$tmp/make.log"; then ok "merge request, empty cache: pbtable built at the component's commit"
else not_ok "merge request, empty cache: pbtable built at the component's commit" "$(tail -n 5 "$tmp/mr.log")"; fi
has "merge request: the base fetched (depth 1)" mr "pbtable: fetching $v1 from origin"
has "merge request: the finding in the log" mr "$finding"
check "merge request: the Code Quality report from the same run" \
	"FIELD_SAME_TYPE proto/shop/v1/order.proto 7" \
	"$($PY -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(str(x) for x in (r[0]["check_name"], r[0]["location"]["path"], r[0]["location"]["positions"]["begin"]["line"])) if len(r) == 1 else r)' "$tmp/mr.gl" 2>&1)"
check "merge request: the binary, its ref and commit left for the cache" "$sha $sha" \
	"$(cat "$tmp/cache/ref" "$tmp/cache/sha" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
if [ -s "$tmp/apt.log" ]; then not_ok "no apt-get when nothing is missing" "$(cat "$tmp/apt.log")"
else ok "no apt-get when nothing is missing"; fi

# shellcheck disable=SC2086
job mr2 "$repo" $mr
check "merge request, cache restored: exit 100" 100 "$(rc mr2)"
has "merge request, cache restored: says so" mr2 "pbtable: from the cache ($sha, $sha)"
if [ -s "$tmp/make.log" ]; then not_ok "merge request, cache restored: no make" "$(cat "$tmp/make.log")"
else ok "merge request, cache restored: no make"; fi

job push "$repo" CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=main CI_COMMIT_BEFORE_SHA="$v1"
check "branch push: against the commit before (exit 100)" 100 "$(rc push)"
job newbranch "$repo" CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=f \
	CI_COMMIT_BEFORE_SHA=0000000000000000000000000000000000000000
check "new branch: passes" 0 "$(rc newbranch)"
has "new branch: says why" newbranch "pbtable: a new branch has no earlier commit"
check "new branch: an empty Code Quality report" "[]" "$(cat "$tmp/newbranch.gl")"

: > "$tmp/apt.log"
FAKE_MISSING="protobuf-compiler"
export FAKE_MISSING
# shellcheck disable=SC2086
job missing "$repo" $mr
unset FAKE_MISSING
if grep -qx 'apt-get install -y -q --no-install-recommends protobuf-compiler' "$tmp/apt.log"; then
	ok "a missing package: apt-get installs exactly it"
else
	not_ok "a missing package: apt-get installs exactly it" "$(cat "$tmp/apt.log")"
fi

rm -rf "$tmp/cache"
job norepo '{"input": "proto"}' $mr
check "no cache and no repository input: exit 1" 1 "$(rc norepo)"
has "... saying what to set" norepo "pbtable: set the component's 'repository' input"

echo "ci-gitlab: $pass passed, $fail failed"
[ $fail = 0 ]
