/*
 * `pbtable history V1 V2 ... VN`: every version against every earlier
 * one, each finding once with the pair it first breaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opt.h"

int cmd_history(int argc, char **argv)
{
	const struct cmd *c = cmd_find("history");
	const char *format = "text";
	const char **use = NULL, **labels = NULL;
	size_t n_use = 0, n_labels = 0, npos, i;
	const struct opt opts[] = {
		{ "use", 0, NULL, NULL, &use, &n_use },
		{ "label", 0, NULL, NULL, &labels, &n_labels },
		{ "error-format", 0, &format, NULL, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL, NULL },
	};
	const char **pos = calloc((size_t)argc + 1, sizeof(*pos));
	struct pbt_history_opts o = { NULL, NULL, 0 };
	struct pbt_report *r;
	struct pbt_buf out = PBT_BUF_INIT;
	struct pbt_err err;
	int rc;

	if (!pos)
		return cmd_fail("out of memory");
	rc = cmd_parse(c, argc, argv, opts, pos, (size_t)argc, &npos);
	if (rc) {
		free(pos);
		return rc == CMD_PARSE_HELP ? PBT_EXIT_OK : PBT_EXIT_ERROR;
	}
	rc = PBT_EXIT_ERROR;
	if (!npos)
		cmd_usage_error(c, "expected at least one version");
	else if (n_labels && n_labels != npos)
		cmd_usage_error(c, "%zu --label for %zu versions: give one per version or none",
				n_labels, npos);
	else if (!pbt_format_known(format))
		cmd_usage_error(c, "unknown --error-format '%s' (want %s)", format,
				pbt_format_list());
	else
		rc = 0;
	for (i = 0; !rc && i < npos; i++)
		if (!strcmp(pos[i], "-")) {
			rc = cmd_usage_error(c, "versions must be files, not standard input");
			break;
		}
	if (rc) {
		free(pos);
		return rc;
	}
	o.labels = n_labels ? labels : NULL;
	o.use = use;
	o.n_use = n_use;
	if (pbt_history(pos, npos, &o, &r, &err)) {
		free(pos);
		if (err.code == PBT_EUSAGE)
			return cmd_usage_error(c, "%s", err.msg);
		cmd_error(&err);
		return PBT_EXIT_ERROR;
	}
	free(pos);
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
