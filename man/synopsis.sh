#!/bin/sh
# The SYNOPSIS of each man page is made from the commands' option tables
# (`pbtable CMD --list-options` and the usage line of `--help`), between
#   .\" BEGIN SYNOPSIS CMD
#   .\" END SYNOPSIS CMD
# and every option of CMD must be documented in the page under a .TP.
#
#   sh man/synopsis.sh PBTABLE PAGE...           rewrite the synopses (make man)
#   sh man/synopsis.sh --check PBTABLE PAGE...   say what is out of date or
#                                                undocumented; exit 1 if any
check=0
if [ "$1" = --check ]; then
	check=1
	shift
fi
pbtable=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0

# troff for one command: the usage words, with [options] replaced by each
# option the usage does not already name.
synopsis() {
	usage=$("$pbtable" "$1" --help | sed -n '1s/^usage: pbtable //p')
	"$pbtable" "$1" --list-options > "$tmp/opts" || return 1
	printf '%s\n' "$usage" | awk -v opts="$tmp/opts" '
	function esc(s) { gsub(/-/, "\\-", s); return s }
	{
		for (i = 1; i <= NF; i++)
			if ($i ~ /^--/)
				named[substr($i, 3)] = 1
		cmd = ""
		for (i = 1; i <= NF && $i ~ /^[a-z][a-z-]*$/; i++)
			cmd = cmd " " $i
		print ".B pbtable" esc(cmd)
		for (; i <= NF; i++) {
			w = $i
			if (w == "[options]") {
				while ((getline line < opts) > 0) {
					split(line, f, "\t")
					if (f[1] in named)
						continue
					name = f[2] != "-" ? "-" f[2] : "--" f[1]
					if (f[3] == "-") {
						print ".RB [ " esc(name) " ]"
						continue
					}
					print ".RB [ " esc(name)
					print ".IR " f[3] " ]" (f[4] == "list" ? "..." : "")
				}
			} else if (w ~ /^--/) {
				print ".B " esc(w)
			} else if (w ~ /^\[.*\]$/) {
				print ".RI [ " substr(w, 2, length(w) - 2) " ]"
			} else {
				print ".I " w
			}
		}
	}'
}

for page in "$@"; do
	cmds=$(sed -n 's/^\.\\" BEGIN SYNOPSIS \([a-z-]*\)$/\1/p' "$page")
	if [ -z "$cmds" ]; then
		echo "$page: no generated synopsis (.\\\" BEGIN SYNOPSIS CMD)"
		bad=1
		continue
	fi
	cp "$page" "$tmp/page"
	for c in $cmds; do
		synopsis "$c" > "$tmp/syn" || { bad=1; continue; }
		awk -v c="$c" -v syn="$tmp/syn" '
		$0 == ".\\\" BEGIN SYNOPSIS " c {
			print
			while ((getline l < syn) > 0)
				print l
			skip = 1
			next
		}
		$0 == ".\\\" END SYNOPSIS " c { skip = 0 }
		!skip' "$tmp/page" > "$tmp/new" && mv "$tmp/new" "$tmp/page"
		# Each option named in a .TP item's first line.
		cut -f 1,2 "$tmp/opts" | while IFS='	' read -r long short; do
			O=$(printf '%s' "$long" | sed 's/-/\\-/g') awk '
			BEGIN { o = ENVIRON["O"] }
			tp { if (index($0, "\\-\\-" o "\"") || index($0, "\\-\\-" o " ") ||
				 substr($0, length($0) - length(o) - 3) == "\\-\\-" o) found = 1 }
			{ tp = ($0 == ".TP") }
			END { exit !found }' "$tmp/page" ||
				echo "$page: option '--$long' of '$c' is not documented under a .TP"
		done > "$tmp/undoc"
		if [ -s "$tmp/undoc" ]; then
			cat "$tmp/undoc"
			bad=1
		fi
	done
	if ! cmp -s "$page" "$tmp/page"; then
		if [ $check = 1 ]; then
			echo "$page: synopsis out of date (run make man)"
			bad=1
		else
			cp "$tmp/page" "$page"
		fi
	fi
done
exit $bad
