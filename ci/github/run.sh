#!/bin/bash
# The steps of ci/github/action.yml, one function each, so that they can
# be read, shellchecked and run by a test with faked GitHub variables
# (src/test/ci_github.sh) exactly as the runner runs them:
#
#   bash run.sh key      the cache key: pbtable's version, commit, the OS
#   bash run.sh build    apt build packages if missing, make, copy to the cache dir
#   bash run.sh setup    apt runtime packages if missing, pbtable on PATH
#   bash run.sh check    one `pbtable breaking` run; annotations, summary,
#                        comment and exit status all come from it
#
# Inputs arrive as environment variables (action.yml's env:), never as
# ${{ }} text inside a script.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

out() { echo "$1=$2" >> "$GITHUB_OUTPUT"; }

# Install the Debian packages of "$@" that are not installed (GitHub's
# Ubuntu runners have sudo without a password).
apt_missing() {
	local missing=() p sudo=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	[ "$(id -u)" = 0 ] || sudo=sudo
	echo "::group::apt-get install ${missing[*]}"
	$sudo apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
	echo "::endgroup::"
}

# The key names what is built: pbtable's commit when the action is a clean
# checkout of its own repository, else (a `uses: owner/pbtable/ci/github@v1`
# download has no .git) a hash of the sources make reads; the OS image and
# architecture, as the binary links the image's libraries.
step_key() {
	local id os
	if [ "$(git -C "$root" rev-parse --show-toplevel 2>/dev/null)" = "$root" ] &&
		git -C "$root" diff --quiet HEAD -- Makefile VERSION src cmd 2>/dev/null; then
		id=$(git -C "$root" rev-parse HEAD)
	else
		id=$(cd "$root" && find Makefile VERSION src cmd -type f | LC_ALL=C sort |
			xargs sha256sum | sha256sum | cut -c 1-40)
	fi
	# shellcheck disable=SC1091
	os=${ImageOS:-$(. /etc/os-release && echo "$ID$VERSION_ID")}
	key="pbtable-$(cat "$root/VERSION")-$os-$(uname -m)-$id"
	out key "$key"
	out dir "${RUNNER_TOOL_CACHE:-$RUNNER_TEMP}/pbtable/$key"
}

step_build() {
	local dir=$PBTABLE_DIR
	# A self-hosted runner may keep its tool cache between jobs.
	if [ -x "$dir/bin/pbtable" ]; then
		echo "pbtable: $dir/bin/pbtable is already built"
		out built false
		return
	fi
	apt_missing gcc make libc6-dev libprotobuf-c-dev protobuf-c-compiler \
		libprotobuf-dev protobuf-compiler libpq-dev libyaml-dev libssl-dev
	echo "::group::make build/pbtable"
	make -C "$root" -j "$(nproc)" build/pbtable
	echo "::endgroup::"
	mkdir -p "$dir/bin"
	cp "$root/build/pbtable" "$dir/bin/pbtable"
	out built true
}

step_setup() {
	local dir=$PBTABLE_DIR
	# The runtime libraries, protoc with the well-known types, git.
	apt_missing libprotobuf-c1 libpq5 libyaml-0-2 protobuf-compiler libprotobuf-dev git
	echo "$dir/bin" >> "$GITHUB_PATH"
	"$dir/bin/pbtable" --version
}

# OLD when the `against` input is empty: the pull request's (merge group's)
# base, or on a push the commit the branch pointed to before it.
default_against() {
	case $GITHUB_EVENT_NAME in
	pull_request|pull_request_target|merge_group)
		[ -n "$BASE_SHA" ] || return 1
		echo "git:$BASE_SHA" ;;
	push)
		# A new branch or tag: no earlier commit of it to compare with.
		case $BEFORE in ''|*[!0]*) ;; *) echo none; return ;; esac
		echo "git:$BEFORE" ;;
	*) return 1 ;;
	esac
}

# git:REF[:SUBDIR] whose REF this clone lacks (actions/checkout fetches one
# commit): fetch that one commit from origin, and name it by its hash.
fetch_against() {
	local a=$1 rest ref sub=
	case $a in git:*) ;; *) echo "$a"; return ;; esac
	rest=${a#git:}
	ref=${rest%%:*}
	[ "$rest" = "$ref" ] || sub=:${rest#*:}
	if [ "$ref" = latest-tag ] || git rev-parse -q --verify "$ref^{commit}" > /dev/null; then
		echo "$a"
		return
	fi
	echo "pbtable: fetching $ref from origin (not in this clone)" >&2
	if ! git fetch -q --no-tags --depth=1 origin "$ref" >&2; then
		echo "::error::pbtable: cannot fetch '$ref' from origin; check out with fetch-depth: 0, or set 'against'" >&2
		return 1
	fi
	echo "git:$(git rev-parse FETCH_HEAD)$sub"
}

# Create or update the pull request comment (one per pull request, found by
# its first line); a failure is a warning, as a fork's token is read-only.
comment() {
	local body=$1 api=${GITHUB_API_URL:-https://api.github.com} id code
	local auth="Authorization: Bearer $GH_TOKEN"
	if ! command -v jq > /dev/null; then
		echo "::warning::pbtable: no jq on this runner: no pull request comment"
		return
	fi
	id=$(curl -sfS -H "$auth" -H "Accept: application/vnd.github+json" \
		"$api/repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments?per_page=100" |
		jq -r '[.[] | select(.body | startswith("<!-- pbtable-breaking -->"))][0].id // empty') || id=
	if [ -z "$id" ] && [ "$2" = quiet ]; then
		return	# nothing to say, and nothing said before
	fi
	if [ -n "$id" ]; then
		code=$(jq -n --arg body "$body" '{body: $body}' | curl -sS -o /dev/null -w '%{http_code}' \
			-X PATCH -H "$auth" -H "Accept: application/vnd.github+json" --data-binary @- \
			"$api/repos/$GITHUB_REPOSITORY/issues/comments/$id") || code=000
	else
		code=$(jq -n --arg body "$body" '{body: $body}' | curl -sS -o /dev/null -w '%{http_code}' \
			-X POST -H "$auth" -H "Accept: application/vnd.github+json" --data-binary @- \
			"$api/repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments") || code=000
	fi
	case $code in
	2??) ;;
	*) echo "::warning::pbtable: could not comment on the pull request (HTTP $code; it needs pull-requests: write, which a fork's token lacks)" ;;
	esac
}

step_check() {
	local against tmp rc=0 n=0 accepted=false title body args=()
	tmp=${RUNNER_TEMP:-/tmp}/pbtable-report
	mkdir -p "$tmp"
	rm -f "$tmp/findings.txt" "$tmp/stdout" "$tmp/stderr"
	# shellcheck disable=SC2153 # AGAINST is the action's input
	against=$AGAINST
	if [ -z "$against" ]; then
		if ! against=$(default_against); then
			echo "::error::pbtable: no default OLD for a '$GITHUB_EVENT_NAME' event: set the action's 'against' input"
			out exit-code 1
			return 1
		fi
		if [ "$against" = none ]; then
			echo "::notice::pbtable: a new branch or tag has no earlier commit to compare with"
			out exit-code 0
			out findings 0
			return 0
		fi
	fi
	if ! against=$(fetch_against "$against"); then
		out exit-code 1
		return 1
	fi
	# ARGS splits into words as a shell would, without globbing.
	set -f
	# shellcheck disable=SC2206
	args=($ARGS)
	set +f
	local reports=(--report "text:$tmp/findings.txt")
	[ -z "$SARIF" ] || reports+=(--report "sarif:$SARIF")
	echo "pbtable breaking $INPUT --against $against ${args[*]}"
	pbtable breaking "$INPUT" --against "$against" "${args[@]}" \
		--error-format "$FORMAT" "${reports[@]}" > "$tmp/stdout" 2> "$tmp/stderr" || rc=$?
	cat "$tmp/stderr" >&2
	case $rc in 0|100) ;; *)
		echo "::error::pbtable breaking failed (exit $rc): $(head -n 1 "$tmp/stderr")" ;;
	esac
	[ ! -f "$tmp/findings.txt" ] || n=$(wc -l < "$tmp/findings.txt")
	if [ "$rc" = 100 ] && [ "$LABELED" = true ]; then
		accepted=true
		# The same findings, as notices rather than errors.
		sed 's/^::error /::notice /' "$tmp/stdout"
		echo "::notice::pbtable: $n breaking change(s) accepted by the label '$ALLOW_LABEL'"
	else
		cat "$tmp/stdout"
	fi
	case $rc in
	0) title="no breaking changes against \`$against\`" ;;
	100) title="$n breaking change(s) against \`$against\`"
		! $accepted || title="$title, accepted by the label \`$ALLOW_LABEL\`" ;;
	*) title="pbtable failed (exit $rc): see the job log" ;;
	esac
	body="<!-- pbtable-breaking -->
### pbtable breaking: $title"
	if [ "$n" -gt 0 ]; then
		body="$body

\`\`\`text
$(head -n 50 "$tmp/findings.txt")
\`\`\`"
		[ "$n" -le 50 ] || body="$body
($((n - 50)) more in the job log)"
	fi
	[ -z "${GITHUB_STEP_SUMMARY:-}" ] || echo "$body" >> "$GITHUB_STEP_SUMMARY"
	if [ "$COMMENT" = true ] && [ -n "$PR_NUMBER" ]; then
		comment "$body" "$([ "$rc" = 0 ] && echo quiet || echo loud)"
	fi
	out exit-code "$rc"
	out findings "$n"
	out report "$tmp/findings.txt"
	if $accepted; then
		return 0
	fi
	return "$rc"
}

case ${1:-} in
key) step_key ;;
build) step_build ;;
setup) step_setup ;;
check) step_check ;;
*) echo "usage: run.sh key|build|setup|check" >&2; exit 2 ;;
esac
