/*
 * `pbtable ddl SET`: print (or write, or apply) the SQL that creates the
 * configured pbtables.  Also home of the output step `migrate` shares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opt.h"

int cmd_emit_sql(struct pbt_sql *s, const char *out_path, bool apply, const char *dsn)
{
	struct pbt_buf text = PBT_BUF_INIT;
	struct pbt_err err;
	size_t i;
	int rc = PBT_EXIT_OK;

	for (i = 0; i < pbt_sql_n_warnings(s); i++)
		fprintf(stderr, "pbtable: warning: %s\n", pbt_sql_warning(s, i));
	pbt_sql_render(s, &text);
	if (out_path && strcmp(out_path, "-")) {
		if (pbt_write_file_atomic(out_path, text.buf, text.len, &err)) {
			cmd_error(&err);
			rc = PBT_EXIT_ERROR;
		}
	} else if (out_path || !apply) {
		rc = cmd_write_stdout(&text);
	}
	if (!rc && apply && pbt_sql_apply(s, dsn, &err)) {
		cmd_error(&err);
		rc = PBT_EXIT_ERROR;
	}
	pbt_buf_release(&text);
	return rc;
}

int cmd_ddl(int argc, char **argv)
{
	const struct cmd *c = cmd_find("ddl");
	const char *out = NULL, *dsn = NULL;
	const char **roots = NULL;
	struct pbt_ddl_opts o;
	bool apply = false;
	const struct opt opts[] = {
		OPT_STRING("config", 0, o.config, "FILE",
			   "pbtable.yaml with a 'tables:' list (default ./pbtable.yaml)"),
		OPT_STRING("table", 0, o.table, "NAME",
			   "only this table (schema.table, table or message name)"),
		OPT_STRING("output", 'o', out, "FILE",
			   "write the SQL to FILE atomically (- for stdout)"),
		OPT_BOOL("strict", 0, o.strict,
			 "add CHECK constraints that reject unreadable values"),
		OPT_STRING("lock-timeout", 0, o.lock_timeout, "T",
			   "SET LOCAL lock_timeout (default 5s)"),
		OPT_BOOL("apply", 0, apply,
			 "run the SQL on a database (nothing is printed unless -o)"),
		OPT_STRING("dsn", 0, dsn, "URL",
			   "libpq connection string for --apply (default: PG* variables)"),
		OPT_SOURCES(roots, o.src),
		OPT_END(),
	};
	const char *pos[1];
	struct pbt_sql *s;
	struct pbt_err err;
	size_t npos;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = cmd_parse(c, argc, argv, opts, pos, 1, &npos);
	o.src.proto_paths = roots;
	if (rc == CMD_PARSE_HELP)
		rc = PBT_EXIT_OK;
	else if (rc)
		rc = PBT_EXIT_ERROR;
	else if (npos != 1)
		rc = cmd_usage_error(c, "expected one input (SET)");
	else if (dsn && !apply)
		rc = cmd_usage_error(c, "--dsn is only used with --apply");
	else if (pbt_ddl(pos[0], &o, &s, &err)) {
		cmd_error(&err);
		rc = PBT_EXIT_ERROR;
	} else {
		rc = cmd_emit_sql(s, out, apply, dsn);
		pbt_sql_free(s);
	}
	free(roots);	/* cmd_parse()'s malloc() */
	return rc;
}
