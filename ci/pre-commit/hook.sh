#!/bin/sh
# pbtable's pre-commit hooks (.pre-commit-hooks.yaml): pbtable itself must
# be on PATH.  What this adds to a bare `pbtable` command line is what a
# hook needs to be kept: OLD from the environment, so that CI can run
# `pre-commit run --all-files` against the target branch, and a message
# that says what to do where git cannot give OLD (no commit yet, a
# shallow clone).
#
#   hook.sh breaking [NEW] [pbtable breaking options]
#       NEW (default .) against, in this order: $PBTABLE_AGAINST (an input,
#       e.g. git:origin/main), git:$PRE_COMMIT_FROM_REF (`pre-commit run
#       --from-ref REF --to-ref HEAD`), the --against of the hook's args,
#       git:HEAD (the last commit: what a commit adds).
#   hook.sh lock-check [SET] [pbtable lock check options]
#   hook.sh ddl --sql FILE [SET] [pbtable ddl options]
#       FILE must be what `pbtable ddl` prints now; if not it is rewritten
#       and the hook fails, as pre-commit's fixers do: review, git add.
mode=$1
shift
say() { echo "pbtable: $*" >&2; }
command -v pbtable > /dev/null 2>&1 || {
	say "pbtable is not on PATH (make install, see docs/ci.md)"
	exit 1
}

case $mode in
breaking)
	# The hook's own --against, kept unless the environment names one.
	against= n=0
	for a; do
		shift
		if [ "$n" = 1 ]; then
			against=$a n=0
			continue
		fi
		case $a in
		--against) n=1; continue ;;
		--against=*) against=${a#--against=}; continue ;;
		esac
		set -- "$@" "$a"
	done
	if [ -n "$PBTABLE_AGAINST" ]; then
		against=$PBTABLE_AGAINST
	elif [ -n "$PRE_COMMIT_FROM_REF" ]; then
		against=git:$PRE_COMMIT_FROM_REF
	fi
	against=${against:-git:HEAD}
	case $against in git:*)
		rest=${against#git:}
		ref=${rest%%:*}
		if [ "$ref" != latest-tag ] && ! git rev-parse -q --verify "$ref^{commit}" > /dev/null 2>&1; then
			if ! git rev-parse -q --verify HEAD > /dev/null 2>&1; then
				say "this repository has no commit yet: nothing to compare with, so nothing can break (the first commit passes)"
				exit 0
			fi
			if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
				say "'$ref' is not in this shallow clone: fetch it (git fetch --depth=1 origin $ref), or clone with more history (actions/checkout: fetch-depth: 0; GitLab: GIT_DEPTH: 0)"
				exit 1
			fi
			say "unknown git ref '$ref' (PBTABLE_AGAINST, pre-commit's --from-ref or the hook's --against)"
			exit 1
		fi ;;
	esac
	case ${1:-} in ''|-*) set -- . "$@" ;; esac
	exec pbtable breaking "$@" --against "$against"
	;;
lock-check)
	case ${1:-} in ''|-*) set -- . "$@" ;; esac
	exec pbtable lock check "$@"
	;;
ddl)
	sql=
	if [ "${1:-}" = --sql ] && [ -n "${2:-}" ]; then
		sql=$2
		shift 2
	fi
	[ -n "$sql" ] || { say "the ddl hook needs args: [--sql FILE, ...]"; exit 1; }
	case ${1:-} in ''|-*) set -- . "$@" ;; esac
	tmp=$(mktemp) || exit 1
	trap 'rm -f "$tmp"' EXIT
	pbtable ddl "$@" -o "$tmp" || exit 1
	if [ -f "$sql" ] && cmp -s "$tmp" "$sql"; then
		exit 0
	fi
	cp "$tmp" "$sql" || exit 1
	say "$sql was not what \`pbtable ddl $*\` prints: rewritten; review it and git add it"
	exit 1
	;;
*)
	say "unknown hook '$mode' (breaking, lock-check, ddl)"
	exit 1
	;;
esac
