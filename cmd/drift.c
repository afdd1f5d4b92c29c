/*
 * `pbtable drift SET --dsn URL...`: check live databases against what
 * `pbtable ddl` would create for SET, report per database, and with --fix
 * print (or, with --apply, run) the repair.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opt.h"

/* The repair scripts of all checked databases, one after the other. */
static void fix_text(const struct pbt_drift *d, struct pbt_buf *out)
{
	size_t i, n = pbt_drift_n_databases(d);

	for (i = 0; i < n; i++) {
		const struct pbt_sql *s = pbt_drift_fix(d, i);
		size_t w;

		if (!s)
			continue;
		if (n > 1)
			pbt_buf_addf(out, "%s-- database %s\n",
				     out->len ? "\n" : "",
				     pbt_drift_label(d, i));
		pbt_sql_render(s, out);
		for (w = 0; w < pbt_sql_n_warnings(s); w++)
			fprintf(stderr, "pbtable: warning: %s: %s\n",
				pbt_drift_label(d, i), pbt_sql_warning(s, w));
	}
}

static int run(const struct cmd *c, const char **pos, size_t npos,
	       const char **dsns, size_t n_dsns, struct pbt_drift_opts *op,
	       const char *format, const char *out, bool apply, bool verbose)
{
	struct pbt_drift_opts o = *op;
	struct pbt_buf text = PBT_BUF_INIT;
	struct pbt_drift *d;
	struct pbt_err err;
	size_t i, n_db, found = 0;
	int rc;

	if (npos != 1)
		return cmd_usage_error(c, "expected one input (SET)");
	if (format && !pbt_drift_format_known(format))
		return cmd_usage_error(c, "unknown error format '%s' (want %s)",
				       format, pbt_drift_format_list());
	if (apply && !o.fix)
		return cmd_usage_error(
			c, "--apply runs the repair: it needs --fix");
	if (o.allow_drop && !o.fix)
		return cmd_usage_error(
			c, "--allow-drop is about the repair: it needs --fix");
	if (out && !o.fix)
		return cmd_usage_error(c,
				       "-o writes the repair: it needs --fix");
	if (o.lock_timeout && !o.fix)
		return cmd_usage_error(
			c,
			"--lock-timeout is about the repair: it needs --fix");
	if (pbt_drift_new(pos[0], &o, &d, &err)) {
		cmd_error(&err);
		return PBT_EXIT_ERROR;
	}
	rc = PBT_EXIT_OK;
	if (!n_dsns)
		pbt_drift_check(d, NULL); /* the PG* environment */
	for (i = 0; i < n_dsns; i++)
		pbt_drift_check(d, dsns[i]);
	n_db = pbt_drift_n_databases(d);
	for (i = 0; i < n_db; i++) {
		if (pbt_drift_error(d, i)) {
			cmd_error(pbt_drift_error(d, i));
			rc = PBT_EXIT_ERROR;
		} else if (verbose) {
			fprintf(stderr,
				"pbtable: %s: %s%zu finding%s, %zu queries\n",
				pbt_drift_label(d, i),
				pbt_drift_standby(d, i) ? "standby, " : "",
				pbt_drift_count(d, i),
				pbt_drift_count(d, i) == 1 ? "" : "s",
				pbt_drift_n_queries(d, i));
		}
	}
	if (o.fix) {
		fix_text(d, &text);
		if (out && strcmp(out, "-")) {
			if (pbt_write_file_atomic(out, text.buf, text.len,
						  &err)) {
				cmd_error(&err);
				rc = PBT_EXIT_ERROR;
			}
		} else if (out || !apply) {
			if (cmd_write_stdout(&text))
				rc = PBT_EXIT_ERROR;
		}
	}
	for (i = 0; apply && i < n_db; i++) {
		size_t n_repaired;

		if (pbt_drift_error(d, i))
			continue;
		if (pbt_drift_repair(d, i, &n_repaired, &err)) {
			cmd_error(&err);
			rc = PBT_EXIT_ERROR;
		} else if (n_repaired) {
			fprintf(stderr,
				"pbtable: %s: repaired; %zu finding%s left\n",
				pbt_drift_label(d, i), pbt_drift_count(d, i),
				pbt_drift_count(d, i) == 1 ? "" : "s");
		}
	}
	/* findings go to stdout unless the repair script went there */
	if (!o.fix || (out && strcmp(out, "-")) || apply) {
		pbt_buf_reset(&text);
		pbt_drift_render(d, format, &text, &err);
		if (cmd_write_stdout(&text))
			rc = PBT_EXIT_ERROR;
	}
	for (i = 0; i < n_db; i++)
		found += pbt_drift_error(d, i) ? 0 : pbt_drift_count(d, i);
	if (rc == PBT_EXIT_OK && found)
		rc = PBT_EXIT_FINDINGS;
	pbt_buf_release(&text);
	pbt_drift_free(d);
	return rc;
}

int cmd_drift(int argc, char **argv)
{
	const struct cmd *c = cmd_find("drift");
	const char **dsns = NULL, *format = NULL, *out = NULL;
	const char **roots = NULL;
	struct pbt_drift_opts o;
	size_t n_dsns = 0;
	bool apply = false, verbose = false;
	const struct opt opts[] = {
		OPT_LIST("dsn", 0, dsns, n_dsns, "URL",
			 "libpq connection string (repeatable: a primary and its\n"
			 "replicas, reported per database; default: PG* variables)"),
		OPT_STRING("config", 0, o.config, "FILE",
			   "pbtable.yaml with a 'tables:' list (default ./pbtable.yaml)"),
		OPT_STRING("table", 0, o.table, "NAME",
			   "only this table (schema.table, table or message name)"),
		OPT_BOOL("strict", 0, o.strict,
			 "the tables were made with ddl --strict (expect its CHECKs)"),
		OPT_STRING("error-format", 0, format, "FORMAT",
			   "text (default), json, github-actions or sarif"),
		OPT_STRING("connect-timeout", 0, o.connect_timeout, "S",
			   "seconds to wait for a connection (default 10)"),
		OPT_STRING("statement-timeout", 0, o.statement_timeout, "T",
			   "limit for each catalog query (default 30s)"),
		OPT_BOOL("fix", 0, o.fix,
			 "print the SQL that repairs the drift (stdout, or -o)"),
		OPT_STRING("output", 'o', out, "FILE",
			   "with --fix: write the SQL to FILE; findings go to stdout"),
		OPT_BOOL("allow-drop", 0, o.allow_drop,
			 "with --fix: also drop extra columns, indexes, ..."),
		OPT_BOOL("apply", 0, apply,
			 "with --fix: run the repair in one transaction, check again"),
		OPT_STRING("lock-timeout", 0, o.lock_timeout, "T",
			   "with --apply: SET LOCAL lock_timeout (default 5s)"),
		OPT_BOOL("verbose", 'v', verbose,
			 "per database on stderr: standby or not, findings, queries"),
		OPT_SOURCES(roots, o.src),
		OPT_END(),
	};
	const char *pos[1];
	size_t npos;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = cmd_parse(c, argc, argv, opts, pos, 1, &npos);
	o.src.proto_paths = roots;
	if (rc == CMD_PARSE_HELP) {
		rc = PBT_EXIT_OK;
		goto done;
	}
	if (rc) {
		rc = PBT_EXIT_ERROR;
		goto done;
	}
	rc = run(c, pos, npos, dsns, n_dsns, &o, format, out, apply, verbose);
done:
	free(dsns);
	free(roots);
	return rc;
}
