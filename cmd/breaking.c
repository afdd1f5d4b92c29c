/*
 * `pbtable breaking NEW --against OLD`: the CI gate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opt.h"

struct reports {
	const char **v;		/* --report FORMAT:FILE, as given */
	size_t n;
};

static int run(const struct cmd *c, size_t npos, const char **pos,
	       const char *against, const char *format,
	       const struct reports *reports,
	       const struct pbt_breaking_opts *o);

int cmd_breaking(int argc, char **argv)
{
	const struct cmd *c = cmd_find("breaking");
	const char *against = NULL, *config = NULL, *format = "text";
	const char **roots = NULL, **paths = NULL, **excludes = NULL;
	struct reports reports = { NULL, 0 };
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
		OPT_LIST("report", 0, reports.v, reports.n, "FORMAT:FILE",
			 "also write the findings in FORMAT to FILE (repeatable:\n"
			 "one run for every report CI wants)"),
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
		rc = run(c, npos, pos, against, format, &reports, &o);
	/* The option lists are cmd_parse()'s malloc()s. */
	free(roots);
	free(paths);
	free(excludes);
	free(reports.v);
	return rc;
}

/* FORMAT of "FORMAT:FILE" into fmt (NUL-terminated); NULL: not one. */
static const char *report_file(const char *spec, char *fmt, size_t size)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : 0;

	if (!colon || !n || n >= size || !colon[1])
		return NULL;
	memcpy(fmt, spec, n);
	fmt[n] = '\0';
	return pbt_format_known(fmt) ? colon + 1 : NULL;
}

/*
 * Each --report, written whole or not at all (a temp file renamed), so a
 * CI step never reads half a report or last run's.
 */
static int write_reports(const struct pbt_report *r, const struct reports *rs)
{
	struct pbt_err err;
	size_t i;

	for (i = 0; i < rs->n; i++) {
		struct pbt_buf b = PBT_BUF_INIT;
		char fmt[32];
		const char *path = report_file(rs->v[i], fmt, sizeof(fmt));
		int rc = pbt_report_render(r, fmt, &b, &err);

		if (!rc)
			rc = pbt_write_file_atomic(path, b.buf ? b.buf : "",
						   b.len, &err);
		pbt_buf_release(&b);
		if (rc) {
			cmd_error(&err);
			return PBT_EXIT_ERROR;
		}
	}
	return 0;
}

static int run(const struct cmd *c, size_t npos, const char **pos,
	       const char *against, const char *format,
	       const struct reports *reports,
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
	for (i = 0; i < reports->n; i++) {
		char fmt[32];

		if (!report_file(reports->v[i], fmt, sizeof(fmt)))
			return cmd_usage_error(c, "--report wants FORMAT:FILE "
					       "with FORMAT one of %s, not '%s'",
					       pbt_format_list(), reports->v[i]);
	}
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
		rc = write_reports(r, reports);
	if (!rc)
		rc = pbt_report_count(r) ? PBT_EXIT_FINDINGS : PBT_EXIT_OK;
	pbt_buf_release(&out);
	pbt_report_free(r);
	return rc;
}
