#ifndef PBT_DDL_H
#define PBT_DDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ddl_config.h"
#include "pbt.h"
#include "pgmap.h"
#include "script.h"

struct pbt_arena;
struct pbt_schema;

/*
 * A pbtable resolved against one schema version: the config entry with
 * every default filled in and every field path mapped to a column.  This
 * is the model both `ddl` (create from nothing) and `migrate` (old model
 * -> new model) generate SQL from.
 */
struct pbt_pgindex {
	const char *name;
	const char **columns;
	size_t n_columns;
	const char *method;	/* "btree" or "gin" */
	bool unique;
};

struct pbt_ptable {
	const struct pbt_tablecfg *cfg;
	const char *schema, *name;	/* unquoted */
	const char *view;	/* in the same schema; NULL: no view */
	const char *message;	/* full name */
	bool absent;		/* lenient resolve: the message is not in the schema */
	struct pbt_pgcol *cols;	/* projected columns, config order */
	size_t n_cols;
	const char *pk;		/* primary key column */
	const char *pk_type;
	bool rowid;		/* pk is the pbt_rowid identity column */
	struct pbt_pgindex *indexes;
	size_t n_indexes;
	pbt_helper_set helpers;	/* PBT_HBIT set the table needs */
};

#define PBT_ROWID_COLUMN "pbt_rowid"

enum pbt_resolve_flags {
	/* For the OLD side of migrate: skip paths the schema lacks, mark a
	 * missing message `absent` instead of failing. */
	PBT_RESOLVE_LENIENT = 1 << 0,
};

int pbt_ptable_resolve(struct pbt_arena *arena, const struct pbt_schema *s,
		       const struct pbt_tablecfg *cfg, unsigned flags,
		       struct pbt_ptable *out, struct pbt_err *err);

/* The column named name, or NULL. */
const struct pbt_pgcol *pbt_ptable_column(const struct pbt_ptable *t, const char *name);

enum pbt_ddl_flags {
	PBT_DDL_STRICT = 1 << 0,	/* named CHECKs reject bad values */
	PBT_DDL_CONCURRENTLY = 1 << 1,	/* indexes after the transaction */
};

/*
 * The generators: each adds its statements to the script s (script.h),
 * with the lock each takes.  ddl uses them to create from nothing, the
 * planner (plan_emit.c) to change or repair, so a repaired object is
 * byte for byte what ddl writes.
 */

/* "name type GENERATED ALWAYS AS (expr) STORED", appended to b. */
void pbt_ddl_column_def(struct pbt_buf *b, const struct pbt_pgcol *c);
/* COMMENT ON COLUMN with c's fingerprint (retired: c->retired). */
void pbt_ddl_column_comment(struct pbt_sql *s, const struct pbt_ptable *t,
			    const struct pbt_pgcol *c);
/*
 * The comment of the table ("table"), of its data or pbt_rowid column
 * ("data", "rowid") or of its view ("view"): the fingerprint of that kind.
 */
void pbt_ddl_table_comment(struct pbt_sql *s, const struct pbt_ptable *t,
			   const char *kind);
/* The strict CHECK of c (constraint name and expression), false if none. */
bool pbt_ddl_check(struct pbt_buf *name, struct pbt_buf *expr,
		   const struct pbt_ptable *t, const struct pbt_pgcol *c);
/*
 * CREATE INDEX and its COMMENT in phase: in the transaction, or after it
 * (then CONCURRENTLY, with note above it).
 */
void pbt_ddl_index(struct pbt_sql *s, const struct pbt_ptable *t,
		   const struct pbt_pgindex *ix, enum pbt_sql_phase phase,
		   const char *note);
/* COMMENT ON INDEX with the index's fingerprint, in the transaction. */
void pbt_ddl_index_comment(struct pbt_sql *s, const struct pbt_ptable *t,
			   const struct pbt_pgindex *ix);
/*
 * The view, its write path (apply function, trigger function, INSTEAD OF
 * trigger) and comments.  cols: the view's columns in order (a migrated
 * view keeps its old order and appends); replace: CREATE OR REPLACE, and
 * only the apply function (the trigger's depends on no column).
 */
void pbt_ddl_view(struct pbt_sql *s, const struct pbt_ptable *t,
		  const struct pbt_pgcol *const *cols, size_t n_cols,
		  bool replace);
/* The view's write-path function "schema.<view>_<role>" (apply, dml), quoted. */
void pbt_ddl_view_function(struct pbt_buf *b, const struct pbt_ptable *t, const char *role);
/* Everything for one table, created from nothing: one group. */
void pbt_ddl_table(struct pbt_sql *s, const struct pbt_ptable *t, unsigned flags);
/* CREATE SCHEMA IF NOT EXISTS for schema (not for "public"). */
void pbt_ddl_schema(struct pbt_sql *s, const char *schema);
/* The helper schema and the helpers in set, as one group. */
void pbt_ddl_helpers(struct pbt_sql *s, pbt_helper_set set);

/*
 * Fingerprint texts (the comments pbtable writes; docs/pbtables.md), for
 * the COMMENT statements above and for `drift` to compare with the live
 * comments.  kind: "table", "data", "rowid" or "view".  Append to fp.
 */
void pbt_ddl_table_fingerprint(struct pbt_buf *fp, const struct pbt_ptable *t,
			       const char *kind);
void pbt_ddl_column_fingerprint(struct pbt_buf *fp, const struct pbt_ptable *t,
				const struct pbt_pgcol *c);
void pbt_ddl_index_fingerprint(struct pbt_buf *fp, const struct pbt_ptable *t,
			       const struct pbt_pgindex *ix);
/*
 * The bodies (pg_proc.prosrc) pbt_ddl_view() gives the view's apply and
 * dml functions for view columns cols, appended to apply and dml.
 */
void pbt_ddl_view_bodies(struct pbt_buf *apply, struct pbt_buf *dml,
			 const struct pbt_ptable *t,
			 const struct pbt_pgcol *const *cols, size_t n_cols);

/*
 * Is value (NULL: the default) a timeout we pass on to the server (500ms,
 * 5s, 1min, 2h, 1d, 0)?  0, or -PBT_EUSAGE: "bad <what> '<value>' (want
 * e.g. 500ms, <example>, 1min)".
 */
int pbt_timeout_check(const char *what, const char *value,
		      const char *example, struct pbt_err *err);
/* Does --table want match t ("schema.table", "table" or the message)? */
bool pbt_ptable_matches(const struct pbt_ptable *t, const char *want);

/* Sort tables by schema, then name (pg_dump's order). */
void pbt_ptables_sort(struct pbt_ptable *v, size_t n);

/*
 * Resolve every table of cfg against s (flags as pbt_ptable_resolve()'s;
 * with PBT_RESOLVE_LENIENT absent messages are left out) into an array in
 * arena, *out[0..*n_out), sorted by schema and name, and add the helpers
 * they need to *helpers.  only: keep the tables --table matches (none
 * matching is an error); NULL: all.
 */
int pbt_ptables_resolve(struct pbt_arena *arena, const struct pbt_schema *s,
			const struct pbt_ddl_config *cfg, unsigned flags,
			const char *only, struct pbt_ptable **out,
			size_t *n_out, pbt_helper_set *helpers, struct pbt_err *err);

#endif
