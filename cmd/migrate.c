/*
 * `pbtable migrate NEW --against OLD`: the DDL that evolves existing
 * pbtables after a schema change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opt.h"

int cmd_migrate(int argc, char **argv)
{
	const struct cmd *c = cmd_find("migrate");
	const char *out = NULL, *dsn = NULL, *against = NULL;
	const char **roots = NULL;
	struct pbt_migrate_opts o;
	bool apply = false;
	const struct opt opts[] = {
		OPT_STRING("against", 0, against, "OLD",
			   "the schema the database was created from (required)"),
		OPT_STRING("config", 0, o.config, "FILE",
			   "pbtable.yaml for NEW (default ./pbtable.yaml)"),
		OPT_STRING("against-config", 0, o.against_config, "FILE",
			   "pbtable.yaml for OLD (default: the same as --config)"),
		OPT_STRING("output", 'o', out, "FILE",
			   "write the SQL to FILE atomically (- for stdout)"),
		OPT_BOOL("allow-drop", 0, o.allow_drop,
			 "drop columns, indexes and tables NEW no longer has"),
		OPT_BOOL("strict", 0, o.strict,
			 "add CHECK constraints for new columns"),
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
		rc = cmd_usage_error(c, "expected one input (NEW)");
	else if (!against)
		rc = cmd_usage_error(c, "--against OLD is required");
	else if (dsn && !apply)
		rc = cmd_usage_error(c, "--dsn is only used with --apply");
	else if (pbt_migrate(pos[0], against, &o, &s, &err)) {
		cmd_error(&err);
		rc = PBT_EXIT_ERROR;
	} else {
		rc = cmd_emit_sql(s, out, apply, dsn);
		pbt_sql_free(s);
	}
	free(roots);	/* cmd_parse()'s malloc() */
	return rc;
}
