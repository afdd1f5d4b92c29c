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
		{ "against", 0, &against, NULL, NULL, NULL },
		{ "config", 0, &o.config, NULL, NULL, NULL },
		{ "against-config", 0, &o.against_config, NULL, NULL, NULL },
		{ "output", 'o', &out, NULL, NULL, NULL },
		{ "allow-drop", 0, NULL, &o.allow_drop, NULL, NULL },
		{ "strict", 0, NULL, &o.strict, NULL, NULL },
		{ "lock-timeout", 0, &o.lock_timeout, NULL, NULL, NULL },
		{ "apply", 0, NULL, &apply, NULL, NULL },
		{ "dsn", 0, &dsn, NULL, NULL, NULL },
		OPT_SOURCES(roots, o.src),
		{ NULL, 0, NULL, NULL, NULL, NULL },
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
