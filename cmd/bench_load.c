/*
 * `pbtable bench-load SET...` (hidden): read and unpack descriptor sets
 * and do nothing else, so `make bench` can measure the floor under
 * `breaking` in the same binary.
 */
#include <stdio.h>

#include "cmd.h"

int cmd_bench_load(int argc, char **argv)
{
	int i;

	if (argc < 2)
		return cmd_usage_error(cmd_find("bench-load"), "expected at least one SET");
	for (i = 1; i < argc; i++) {
		size_t files, messages;
		struct pbt_err err;

		if (pbt_load_only(argv[i], &files, &messages, &err)) {
			cmd_error(&err);
			return PBT_EXIT_ERROR;
		}
		printf("%s: %zu files, %zu messages\n", argv[i], files, messages);
	}
	return PBT_EXIT_OK;
}
