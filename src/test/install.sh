#!/bin/sh
# `make install` as a user runs it: into a temporary PREFIX, then the
# installed binary runs, every page renders with `man -l`, `man` finds a
# page for every command (alias pages for the ones sharing a page), the
# bash completion completes commands, subcommands, options and option
# values, the zsh completion parses, the fish completion completes, and
# `make uninstall` leaves no file behind.  Prints `install: N passed, N
# failed`.
#   sh src/test/install.sh
top=$(pwd)
# Never go on without it: "$tmp/bin/x" would be /bin/x.
tmp=$(mktemp -d) && [ -d "$tmp" ] || { echo "install: no temporary directory: 0 passed, 1 failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; echo "# $2"; }
check() {	# NAME WANT GOT
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "want '$2', got '$3'"; fi
}
unset MAKEFLAGS MAKELEVEL MFLAGS
p=$tmp/prefix
if make --no-print-directory -C "$top" install PREFIX="$p" > "$tmp/make.out" 2>&1; then
	ok "make install PREFIX=\$tmp"
else
	not_ok "make install PREFIX=\$tmp" "$(tail -n 3 "$tmp/make.out")"
fi
check "\$PREFIX/bin/pbtable --version" "pbtable $(cat "$top/VERSION")" \
	"$("$p/bin/pbtable" --version 2>&1)"

bad=
for f in "$p"/share/man/man1/*.1; do
	grep -q '^\.so ' "$f" && continue
	out=$(MANWIDTH=80 man -l "$f" 2>&1 >/dev/null)
	[ -z "$out" ] && MANWIDTH=80 man -l "$f" 2>/dev/null | grep -q '^NAME' ||
		bad="$bad ${f##*/}: $out"
done
[ -z "$bad" ] && ok "man -l renders every page" || not_ok "man -l renders every page" "$bad"
bad=
for c in $("$p/bin/pbtable" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p'); do
	[ "$c" = help ] && c=
	MANPATH=$p/share/man man -w "pbtable${c:+-$c}" > /dev/null 2>&1 || bad="$bad $c"
	MANPATH=$p/share/man MANWIDTH=80 man "pbtable${c:+-$c}" 2>/dev/null | grep -q SYNOPSIS ||
		bad="$bad $c(render)"
done
[ -z "$bad" ] && ok "man pbtable-CMD for every command" || not_ok "man pbtable-CMD for every command" "missing:$bad"

# bash: COMPREPLY for a command line typed up to the cursor.
comp() {
	bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_pbtable pbtable
		[ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		bash "$p/share/bash-completion/completions/pbtable" "$@" 2>&1
}
check "bash: pbtable br<TAB>" "breaking " "$(comp pbtable br)"
check "bash: pbtable lock <TAB>" "--help check update " "$(comp pbtable lock '')"
check "bash: pbtable lock update --f<TAB>" "--force " "$(comp pbtable lock update --f)"
check "bash: pbtable lock check --f<TAB> (update's only)" "" "$(comp pbtable lock check --f)"
check "bash: pbtable breaking --error-format gi<TAB>" "github-actions gitlab-code-quality " \
	"$(comp pbtable breaking x --error-format gi)"
mkdir -p "$tmp/w/protos" && : > "$tmp/w/pbtable.yaml"
check "bash: pbtable ddl -I <TAB> (directories)" "protos " \
	"$(cd "$tmp/w" && comp pbtable ddl -I '')"
check "bash: pbtable ddl --config pb<TAB> (files)" "pbtable.yaml " \
	"$(cd "$tmp/w" && comp pbtable ddl --config pb)"
if bash --norc -c ". '$p/share/bash-completion/completions/pbtable' && complete -p pbtable" \
	> /dev/null 2>&1; then
	ok "bash: the completion loads and registers _pbtable"
else
	not_ok "bash: the completion loads and registers _pbtable" "complete -p failed"
fi
if command -v zsh > /dev/null 2>&1; then
	out=$(zsh -n "$p/share/zsh/site-functions/_pbtable" 2>&1) &&
		ok "zsh: _pbtable parses" || not_ok "zsh: _pbtable parses" "$out"
else
	not_ok "zsh: _pbtable parses" "zsh is not installed (make deps)"
fi
if command -v fish > /dev/null 2>&1; then
	got=$(HOME=$tmp XDG_CONFIG_HOME=$tmp fish --no-config -c "source '$p/share/fish/vendor_completions.d/pbtable.fish'; complete -C'pbtable lock update --'" 2>&1 | cut -f 1 | sort | tr '\n' ' ')
	check "fish: pbtable lock update --<TAB>" "--config --force --lock --proto-path --protoc --prune " "$got"
else
	not_ok "fish: completion" "fish is not installed (make deps)"
fi

make --no-print-directory -C "$top" uninstall PREFIX="$p" > "$tmp/make.out" 2>&1
left=$(find "$p" -type f)
check "make uninstall removes every file" "" "$left"
echo "install: $pass passed, $fail failed"
[ $fail = 0 ]
