/*
 * `pbtable breaking NEW --against OLD`: the CI gate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opt.h"

static int run(const struct cmd *c, size_t npos, const char **pos,
	       const char *against, const char *format,
	       const struct pbt_breaking_opts *o);

int cmd_breaking(int argc, char **argv)
{
	const struct cmd *c = cmd_find("breaking");
	const char *against = NULL, *config = NULL, *format = "text";
	const char **roots = NULL, **paths = NULL, **excludes = NULL;
	struct pbt_breaking_opts o;
	const struct opt opts[] = {
		OPT_STRING("against", 0, against, "OLD", "the earlier version"),
		OPT_STRING("lock", 0, o.lock, "FILE",
			   "also check NEW against every version a pbtable.lock recorded\n"
			   "(WIRE and WIRE_JSON rules; --against is then optional)"),
		OPT_STRING("config", 0, config, "FILE|TEXT",
			   "buf.yaml/pbtable.yaml, or its text (YAML or JSON)"),
		OPT_STRING("error-format", 0, format, "FORMAT",
			   "text (default), json, msvs, junit, github-actions,\n"
			   "gitlab-code-quality or sarif"),
		OPT_BOOL("exclude-imports", 0, o.exclude_imports,
			 "drop findings in files marked as imports"),
		OPT_LIST("path", 0, paths, o.n_paths, "P",
			 "only files under P, and their imports (repeatable)"),
		OPT_LIST("exclude-path", 0, excludes, o.n_exclude_paths, "P",
			 "leave out files under P (repeatable)"),
		OPT_SOURCES(roots, o.src),
		OPT_BOOL("no-inline-allow", 0, o.no_inline_allow,
			 "ignore `pbtable:allow RULE reason` comments"),
		OPT_END(),
	};
	const char *pos[1];
	size_t npos;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = cmd_parse(c, argc, argv, opts, pos, 1, &npos);
	o.config = config;
	o.src.proto_paths = roots;
	o.paths = paths;
	o.exclude_paths = excludes;
	if (rc == CMD_PARSE_HELP)
		rc = PBT_EXIT_OK;
	else if (rc)
		rc = PBT_EXIT_ERROR;
	else
		rc = run(c, npos, pos, against, format, &o);
	/* The option lists are cmd_parse()'s malloc()s. */
	free(roots);
	free(paths);
	free(excludes);
	return rc;
}

static int run(const struct cmd *c, size_t npos, const char **pos,
	       const char *against, const char *format,
	       const struct pbt_breaking_opts *o)
{
	struct pbt_report *r;
	struct pbt_buf out = PBT_BUF_INIT;
	struct pbt_err err;
	size_t i;
	int rc;

	if (npos != 1)
		return cmd_usage_error(c, "missing NEW, the set to check");
	if (!against && !o->lock)
		return cmd_usage_error(c, "--against OLD (or --lock FILE) is required");
	if (!pbt_format_known(format))
		return cmd_usage_error(c, "unknown --error-format '%s' (want %s)", format,
				       pbt_format_list());
	if (against && !strcmp(pos[0], "-") && !strcmp(against, "-"))
		return cmd_usage_error(c, "only one of NEW and OLD can be standard input");
	if (pbt_breaking(pos[0], against, o, &r, &err)) {
		cmd_error(&err);
		return PBT_EXIT_ERROR;
	}
	for (i = 0; i < pbt_report_n_warnings(r); i++)
		fprintf(stderr, "pbtable: warning: %s\n", pbt_report_warning(r, i));
	/* On stderr, so stdout stays what buf prints. */
	if (pbt_report_n_allowed(r))
		fprintf(stderr, "pbtable: %zu finding%s allowed inline (pbtable:allow):\n",
			pbt_report_n_allowed(r), pbt_report_n_allowed(r) == 1 ? "" : "s");
	for (i = 0; i < pbt_report_n_allowed(r); i++)
		fprintf(stderr, "pbtable:   %s\n", pbt_report_allowed(r, i));
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
