#ifndef PBT_DRIFT_H
#define PBT_DRIFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ddl.h"
#include "ddl_config.h"
#include "diff.h"
#include "err.h"
#include "pbt.h"

/*
 * `pbtable drift`: what a live database holds, compared with what
 * `pbtable ddl` would create for a schema (drift.c), the SQL that repairs
 * the difference (drift_fix.c), and the output formats (drift_report.c).
 * The entry points are in pbt.h; this header is for those three files
 * and the tests.
 */

/* What the repair needs to know of a live table beyond the findings. */
struct pbt_drift_live {
	const char **retired; /* columns marked state=retired, by attnum */
	size_t n_retired;
};

struct pbt_drift_db {
	const char *dsn; /* as given; never printed (it may hold a password) */
	const char *label; /* host:port/dbname */
	bool checked, standby;
	struct pbt_err err; /* when not checked */
	struct pbt_diff *v;	/* the findings */
	size_t n, cap;
	struct pbt_drift_live *live; /* per table, what the fix needs to know */
	struct pbt_sql *fix;	     /* with opts.fix */
	size_t n_queries;	     /* statements the check sent */
	size_t n_repaired;	     /* findings the last repair addressed */
};

struct pbt_drift {
	struct pbt_arena *arena;
	struct pbt_drift_opts opts;
	struct pbt_ddl_config cfg;
	struct pbt_schema *schema;
	struct pbt_ptable *tables; /* sorted by schema, name */
	size_t n_tables;
	pbt_helper_set helpers; /* PBT_HBIT set the tables need */
	struct pbt_drift_db *dbs;
	size_t n_dbs, cap_dbs;
};

/*
 * The repair script for db's findings (opts.allow_drop decides about
 * dropping): helpers, then per table what it needs, in one transaction.
 * What cannot be repaired safely becomes a warning of the script.
 */
struct pbt_sql *pbt_drift_fix_sql(const struct pbt_drift *d,
				  const struct pbt_drift_db *db);

/* The name of the view's trigger and write-path functions (unquoted). */
const char *pbt_drift_view_fn(struct pbt_arena *a, const struct pbt_ptable *t,
			      const char *role);

#endif
