#!/bin/sh
# ci/github/action.yml run as GitHub would run it (src/test/gh_action.py
# plays the runner: expressions, GITHUB_* files, actions/cache as a
# directory), on a real repository cloned with actions/checkout's default
# depth of one commit, with the events' variables faked:
#   - a pull request: the base commit fetched, pbtable built and cached,
#     annotations, job summary, SARIF, exit 100, the job failed;
#   - the same again on a new runner: the cached binary, no make;
#   - the label that accepts a break: notices, the job passes;
#   - pushes (github.event.before; a new branch), a PR comment created
#     then edited (a local stand-in for the API), a missing apt package
#     installed and no apt-get otherwise, an event with no default OLD,
#     and an OLD that cannot be fetched.
# Prints `ci-github: N passed, N failed`.
#   sh src/test/ci_github.sh
top=$(pwd)
PY=/usr/bin/python3
# Never go on without it: "$tmp/bin/x" would be /bin/x.
tmp=$(mktemp -d) && [ -d "$tmp" ] || { echo "ci-github: no temporary directory: 0 passed, 1 failed"; exit 1; }
[ -d "$tmp" ] || exit 1
api_pid=
cleanup() {
	[ -z "$api_pid" ] || kill "$api_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; echo "# $2"; }

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
unset MAKEFLAGS MAKELEVEL MFLAGS

# The repository: v1, then v2 changes a field's type.
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
v2=$(git rev-parse HEAD)
cd "$top" || exit 1

# Stand-ins on PATH: make and apt-get log their calls (make then runs);
# dpkg-query reports every package installed but those in $FAKE_MISSING.
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
: > "$tmp/make.log"
: > "$tmp/apt.log"

# run NAME EVENT_NAME EVENT_JSON INPUTS_JSON: a fresh depth-1 checkout of
# v2 and a fresh runner (tool cache), the Actions cache kept across runs.
run() {
	name=$1
	rm -rf "$tmp/ws" "$tmp/runner"
	git clone -q --depth 1 "file://$tmp/origin" "$tmp/ws" || exit 1
	mkdir -p "$tmp/runner/temp" "$tmp/runner/tool" "$tmp/store"
	cat > "$tmp/cfg.json" <<JSON
{"inputs": $4,
 "github": {"event_name": "$2", "event": $3, "repository": "o/r"},
 "env": {"ImageOS": "ubuntu24", "GITHUB_API_URL": "http://127.0.0.1:${port:-9}"},
 "workspace": "$tmp/ws", "temp": "$tmp/runner/temp", "tool_cache": "$tmp/runner/tool",
 "cache_store": "$tmp/store", "result": "$tmp/$name.json"}
JSON
	PATH=$tmp/bin:$PATH $PY "$top/src/test/gh_action.py" "$top/ci/github" "$tmp/cfg.json" \
		> "$tmp/$name.log" 2>&1 || echo "## harness failed" >> "$tmp/$name.log"
}
# get NAME a.b.c: a field of NAME's result
get() {
	$PY -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v.get(k, "") if isinstance(v, dict) else ""
print(v)' "$tmp/$1.json" "$2" 2>/dev/null
}
expect() {	# TEST NAME FIELD WANT
	got=$(get "$2" "$3")
	if [ "$got" = "$4" ]; then
		ok "$1"
	else
		not_ok "$1" "$3: want '$4', got '$got': $(tail -n 5 "$tmp/$2.log")"
	fi
}
has() {	# TEST NAME TEXT: the log has TEXT
	if grep -qF -- "$3" "$tmp/$2.log"; then
		ok "$1"
	else
		not_ok "$1" "'$3' not in the log: $(tail -n 5 "$tmp/$2.log")"
	fi
}

pr='{"pull_request": {"number": 7, "base": {"sha": "'$v1'"}, "labels": [{"name": "api"}]}}'
anno='::error file=proto/shop/v1/order.proto,line=7,col=3,'
run pr pull_request "$pr" '{"input": "proto", "args": "-I proto", "sarif-file": "pbtable.sarif"}'
expect "pull request: the job fails" pr conclusion failure
expect "pull request: exit-code 100" pr outputs.exit-code 100
expect "pull request: one finding" pr outputs.findings 1
expect "pull request: cache miss, pbtable built" pr steps.build.outcome success
has "pull request: the base commit fetched (depth 1)" pr "pbtable: fetching $v1 from origin"
has "pull request: annotation on the line" pr "$anno"
if grep -q 'build/pbtable' "$tmp/make.log"; then
	ok "pull request: make ran"
else
	not_ok "pull request: make ran" "$(cat "$tmp/make.log")"
fi
case $(get pr summary) in
*"1 breaking change(s) against \`git:$v1\`"*'changed type from "int32" to "string"'*)
	ok "pull request: the job summary lists the finding" ;;
*) not_ok "pull request: the job summary lists the finding" "$(get pr summary)" ;;
esac
if grep -q '"version": "2.1.0"' "$tmp/ws/pbtable.sarif" 2>/dev/null; then
	ok "pull request: sarif-file written by the same run"
else
	not_ok "pull request: sarif-file written by the same run" "no $tmp/ws/pbtable.sarif"
fi
if [ "$(grep -c '^pbtable breaking ' "$tmp/pr.log")" = 1 ]; then
	ok "pull request: pbtable breaking ran once"
else
	not_ok "pull request: pbtable breaking ran once" "$(grep '^pbtable breaking ' "$tmp/pr.log")"
fi
if [ -s "$tmp/apt.log" ]; then
	not_ok "no apt-get when nothing is missing" "$(cat "$tmp/apt.log")"
else
	ok "no apt-get when nothing is missing"
fi

: > "$tmp/make.log"
run again pull_request "$pr" '{"input": "proto", "args": "-I proto"}'
expect "second run: restored from the cache" again steps.restore.outputs.cache-hit true
expect "second run: the build step skipped" again steps.build.outcome skipped
if [ -s "$tmp/make.log" ]; then
	not_ok "second run: no make" "$(cat "$tmp/make.log")"
else
	ok "second run: no make"
fi
has "second run: the cached binary runs" again "pbtable $(cat VERSION)"
expect "second run: the same finding" again outputs.exit-code 100

labeled='{"pull_request": {"number": 7, "base": {"sha": "'$v1'"}, "labels": [{"name": "pbtable skip breaking"}]}}'
run label pull_request "$labeled" '{"input": "proto", "args": "-I proto"}'
expect "label: the job passes" label conclusion success
expect "label: exit-code still 100" label outputs.exit-code 100
has "label: the finding as a notice" label "::notice file=proto/shop/v1/order.proto,line=7"
has "label: says which label accepted it" label "accepted by the label 'pbtable skip breaking'"
run label2 pull_request "$labeled" '{"input": "proto", "args": "-I proto", "allow-label": ""}'
expect "label input empty: the label does not count" label2 conclusion failure

run push push '{"before": "'$v1'"}' '{"input": "proto", "args": "-I proto"}'
expect "push: against github.event.before" push outputs.exit-code 100
has "push: before fetched" push "pbtable: fetching $v1 from origin"
run newbranch push '{"before": "0000000000000000000000000000000000000000"}' '{"input": "proto"}'
expect "push of a new branch: passes" newbranch conclusion success
has "push of a new branch: says why" newbranch "::notice::pbtable: a new branch or tag has no earlier commit"

# The comment: created, then edited, then edited to "no breaking changes".
$PY "$top/src/test/gh_api.py" "$tmp/port" "$tmp/api.log" &
api_pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
port=$(cat "$tmp/port")
run c1 pull_request "$pr" '{"input": "proto", "args": "-I proto", "comment": "true"}'
run c2 pull_request "$pr" '{"input": "proto", "args": "-I proto", "comment": "true"}'
run c3 pull_request "$pr" '{"input": "proto", "args": "-I proto", "comment": "true", "against": "git:'$v2'"}'
reqs=$($PY -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    b = json.loads(r["body"])["body"] if r["body"] else ""
    print(r["method"], r["path"].split("?")[0], r["auth"], "|".join(b.split("\n")[:2]))' "$tmp/api.log")
want="GET /repos/o/r/issues/7/comments Bearer fake-token 
POST /repos/o/r/issues/7/comments Bearer fake-token <!-- pbtable-breaking -->|### pbtable breaking: 1 breaking change(s) against \`git:$v1\`
GET /repos/o/r/issues/7/comments Bearer fake-token 
PATCH /repos/o/r/issues/comments/1000 Bearer fake-token <!-- pbtable-breaking -->|### pbtable breaking: 1 breaking change(s) against \`git:$v1\`
GET /repos/o/r/issues/7/comments Bearer fake-token 
PATCH /repos/o/r/issues/comments/1000 Bearer fake-token <!-- pbtable-breaking -->|### pbtable breaking: no breaking changes against \`git:$v2\`"
if [ "$reqs" = "$want" ]; then
	ok "comment: created, edited, edited when clean"
else
	not_ok "comment: created, edited, edited when clean" "$reqs"
fi
kill "$api_pid" 2>/dev/null
api_pid=
port=
run c4 pull_request "$pr" '{"input": "proto", "args": "-I proto", "comment": "true"}'
expect "comment: an API that cannot be reached fails nothing more" c4 outputs.exit-code 100
has "comment: ... but says so" c4 "::warning::pbtable: could not comment on the pull request"

: > "$tmp/apt.log"
FAKE_MISSING="libyaml-0-2 git"
export FAKE_MISSING
run missing pull_request "$pr" '{"input": "proto", "args": "-I proto"}'
unset FAKE_MISSING
if grep -qx 'apt-get install -y -q --no-install-recommends libyaml-0-2 git' "$tmp/apt.log" &&
	grep -qx 'apt-get update -q' "$tmp/apt.log"; then
	ok "a missing runtime package: apt-get installs exactly it"
else
	not_ok "a missing runtime package: apt-get installs exactly it" "$(cat "$tmp/apt.log")"
fi

run dispatch workflow_dispatch '{}' '{"input": "proto"}'
expect "workflow_dispatch without against: exit-code 1" dispatch outputs.exit-code 1
has "workflow_dispatch without against: says what to set" dispatch "set the action's 'against' input"
run unfetchable pull_request "$pr" '{"input": "proto", "against": "git:HEAD~1"}'
expect "an OLD the clone lacks and origin cannot give: fails" unfetchable conclusion failure
has "... with a hint" unfetchable "cannot fetch 'HEAD~1' from origin; check out with fetch-depth: 0"

echo "ci-github: $pass passed, $fail failed"
[ $fail = 0 ]
