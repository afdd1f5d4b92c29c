/*
 * `pbtable bench-load [--index] SET...` (hidden): map and unpack the sets
 * as `breaking` does (source info left as bytes), two at a time, and
 * nothing else; with --index, load them whole (pbt_schema_load: the index
 * too), which is the load floor `make bench` compares `breaking` with.
 */
#include <stdio.h>

#include "cmd.h"
#include "opt.h"

int cmd_bench_load(int argc, char **argv)
{
	const struct cmd *c = cmd_find("bench-load");
	bool index = false;
	const struct opt opts[] = {
		OPT_BOOL("index", 0, index, "also build the schema index"),
		OPT_END(),
	};
	const char *pos[64];
	size_t npos, files;
	struct pbt_err err;
	int rc;

	rc = cmd_parse(c, argc, argv, opts, pos, 64, &npos);
	if (rc == CMD_PARSE_HELP)
		return PBT_EXIT_OK;
	if (rc)
		return PBT_EXIT_ERROR;
	if (!npos)
		return cmd_usage_error(c, "expected at least one SET");
	if (pbt_bench_load(pos, npos, index, &files, &err)) {
		cmd_error(&err);
		return PBT_EXIT_ERROR;
	}
	printf("%zu sets, %zu files\n", npos, files);
	return PBT_EXIT_OK;
}
