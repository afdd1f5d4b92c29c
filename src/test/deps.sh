#!/bin/sh
# Install the Debian packages named in $@ that are missing (as root, or
# through sudo).  Does nothing when all are present; on a system without
# dpkg it only warns, so a developer with hand-installed libraries can
# still build.
missing=
if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: not a Debian system; assuming $* are installed" >&2
	exit 0
fi
for p in "$@"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
if [ "$(id -u)" = 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	echo "deps: missing packages:$missing (run as root: apt-get install$missing)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; update once, then install.
if ! $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
	$sudo apt-get update -q >/dev/null &&
	$sudo apt-get install -y -q --no-install-recommends $missing >/dev/null || {
		echo "deps: apt-get install$missing failed" >&2
		exit 1
	}
fi
