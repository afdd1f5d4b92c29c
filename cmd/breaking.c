/*
 * `pbtable breaking NEW --against OLD`: the CI gate.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "opt.h"

int cmd_breaking(int argc, char **argv)
{
	const struct cmd *c = cmd_find("breaking");
	const char *against = NULL, *config = NULL, *format = "text", *lock = NULL;
	struct pbt_breaking_opts o = { NULL, false, NULL };
	const struct opt opts[] = {
		{ "against", 0, &against, NULL, NULL, NULL },
		{ "config", 0, &config, NULL, NULL, NULL },
		{ "error-format", 0, &format, NULL, NULL, NULL },
		{ "exclude-imports", 0, NULL, &o.exclude_imports, NULL, NULL },
		{ "lock", 0, &lock, NULL, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL, NULL },
	};
	const char *pos[1];
	size_t npos, i;
	struct pbt_report *r;
	struct pbt_buf out = PBT_BUF_INIT;
	struct pbt_err err;
	int rc;

	rc = cmd_parse(c, argc, argv, opts, pos, 1, &npos);
	if (rc == CMD_PARSE_HELP)
		return PBT_EXIT_OK;
	if (rc)
		return PBT_EXIT_ERROR;
	if (npos != 1)
		return cmd_usage_error(c, "expected one input (NEW)");
	if (!against && !lock)
		return cmd_usage_error(c, "--against OLD (or --lock FILE) is required");
	if (!pbt_format_known(format))
		return cmd_usage_error(c, "unknown --error-format '%s' (want %s)", format,
				       pbt_format_list());
	if (against && !strcmp(pos[0], "-") && !strcmp(against, "-"))
		return cmd_usage_error(c, "only one of NEW and OLD can be standard input");
	o.config = config;
	o.lock = lock;
	if (pbt_breaking(pos[0], against, &o, &r, &err)) {
		cmd_error(&err);
		return PBT_EXIT_ERROR;
	}
	for (i = 0; i < pbt_report_n_warnings(r); i++)
		fprintf(stderr, "pbtable: warning: %s\n", pbt_report_warning(r, i));
	if (pbt_report_render(r, format, &out, &err)) {
		cmd_error(&err);
		pbt_report_free(r);
		return PBT_EXIT_ERROR;
	}
	rc = cmd_write_stdout(&out);
	if (!rc)
		rc = pbt_report_count(r) ? PBT_EXIT_FINDINGS : PBT_EXIT_OK;
	pbt_buf_release(&out);
	pbt_report_free(r);
	return rc;
}
