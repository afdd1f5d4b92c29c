#ifndef PBT_DRIFT_H
#define PBT_DRIFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ddl.h"
#include "ddl_config.h"
#include "err.h"
#include "pbt.h"

/*
 * `pbtable drift`: what a live database holds, compared with what
 * `pbtable ddl` would create for a schema (drift.c), the SQL that repairs
 * the difference (drift_fix.c), and the output formats (drift_report.c).
 * The entry points are in pbt.h; this header is for those three files
 * and the tests.
 */

/* The drift kinds: one entry each, sorted by id (t_drift checks). */
struct pbt_drift_kind {
	const char *id;
	const char *about; /* one line, for help and SARIF */
};

extern const struct pbt_drift_kind pbt_drift_kinds[];
extern const size_t pbt_n_drift_kinds;
const struct pbt_drift_kind *pbt_drift_kind_find(const char *id);

struct pbt_drift_finding {
	const char *kind;	    /* a pbt_drift_kinds id */
	const char *schema, *table; /* table NULL: a helper function */
	const char *column;	    /* a column finding, else NULL */
	const char *
		object; /* index, constraint, view, trigger, rule or function */
	const char *message; /* one line */
	struct pbt_loc loc;  /* the table's entry in pbtable.yaml */

	/* For the repair (drift_fix.c). */
	const struct pbt_ptable *t;  /* the expected table, NULL for helpers */
	const struct pbt_pgcol *col; /* the expected column, or NULL */
	int helper;		     /* enum pbt_helper, or PBT_H_NONE */
	bool on_view; /* extra_trigger, extra_rule: on the view */
	bool manual; /* no safe automatic repair: a warning of the fix */
	long cmp;    /* waiting for the server's verdict; -1 if not */
};

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
	struct pbt_drift_finding *v;
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
