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
	const char **use = NULL, **labels = NULL, **roots = NULL;
	size_t n_use = 0, n_labels = 0, npos, i;
	struct pbt_history_opts o;
	const struct opt opts[] = {
		OPT_LIST("use", 0, use, n_use, "CATEGORY",
			 "WIRE or WIRE_JSON (repeatable; default both)"),
		OPT_LIST("label", 0, labels, n_labels, "NAME",
			 "name of each version in output, one per version\n"
			 "(default: the paths)"),
		OPT_STRING("error-format", 0, format, "FORMAT",
			   "text (default), json, msvs, junit, github-actions,\n"
			   "gitlab-code-quality or sarif"),
		OPT_SOURCES(roots, o.src),
		OPT_END(),
	};
	const char **pos = calloc((size_t)argc + 1, sizeof(*pos));
	struct pbt_report *r;
	struct pbt_buf buf = PBT_BUF_INIT;
	struct pbt_err err;
	int rc;

	if (!pos)
		return cmd_fail("out of memory");
	memset(&o, 0, sizeof(o));
	rc = cmd_parse(c, argc, argv, opts, pos, (size_t)argc, &npos);
	o.src.proto_paths = roots;
	if (rc) {
		rc = rc == CMD_PARSE_HELP ? PBT_EXIT_OK : PBT_EXIT_ERROR;
		goto out;
	}
	rc = PBT_EXIT_ERROR;
	if (!npos) {
		cmd_usage_error(c, "expected at least one version");
		goto out;
	}
	if (n_labels && n_labels != npos) {
		cmd_usage_error(c, "%zu --label for %zu versions: "
				"give one per version or none", n_labels, npos);
		goto out;
	}
	if (!pbt_format_known(format)) {
		cmd_usage_error(c, "unknown --error-format '%s' (want %s)",
				format, pbt_format_list());
		goto out;
	}
	for (i = 0; i < npos; i++)
		if (!strcmp(pos[i], "-")) {
			cmd_usage_error(c, "versions must be files, "
					"not standard input");
			goto out;
		}
	o.labels = n_labels ? labels : NULL;
	o.use = use;
	o.n_use = n_use;
	if (pbt_history(pos, npos, &o, &r, &err)) {
		if (err.code == PBT_EUSAGE)
			cmd_usage_error(c, "%s", err.msg);
		else
			cmd_error(&err);
		goto out;
	}
	if (pbt_report_render(r, format, &buf, &err)) {
		cmd_error(&err);
	} else {
		rc = cmd_write_stdout(&buf);
		if (!rc)
			rc = pbt_report_count(r) ? PBT_EXIT_FINDINGS :
						   PBT_EXIT_OK;
	}
	pbt_buf_release(&buf);
	pbt_report_free(r);
out:
	free(pos);
	free(use);
	free(labels);
	free(roots);
	return rc;
}
