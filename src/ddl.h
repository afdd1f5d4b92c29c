#ifndef PBT_DDL_H
#define PBT_DDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ddl_config.h"
#include "pbt.h"
#include "pgmap.h"

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

/*
 * A generated script: statements for one transaction, and statements
 * that must run after it, one at a time (CREATE INDEX CONCURRENTLY,
 * VALIDATE CONSTRAINT).  `head` is comment text printed first.
 */
struct pbt_sql {
	struct pbt_arena *arena;
	struct pbt_buf head;
	struct pbt_buf tx;
	const char **post;	/* complete statements, with their ';' */
	const char **post_notes;	/* a comment line for each, or NULL */
	size_t n_post, cap_post;
	const char *lock_timeout;	/* e.g. "5s" */
	const char **warnings;
	size_t n_warnings, cap_warnings;
};

struct pbt_sql *pbt_sql_new(const char *lock_timeout);
void pbt_sql_add_post(struct pbt_sql *s, const char *note, const char *stmt);
void pbt_sql_warn(struct pbt_sql *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * PostgreSQL refuses a script holding bytes that are not UTF-8, and only
 * names from a hostile set can put them there: 0, or -PBT_EINPUT naming
 * set_path with the offending SQL line (escaped) in the detail.
 */
int pbt_sql_check_utf8(const struct pbt_sql *s, const char *set_path,
		       struct pbt_err *err);
/* Is the transaction part empty? */
bool pbt_sql_tx_empty(const struct pbt_sql *s);

enum pbt_ddl_flags {
	PBT_DDL_STRICT = 1 << 0,	/* named CHECKs reject bad values */
	PBT_DDL_CONCURRENTLY = 1 << 1,	/* indexes after the transaction */
};

/* Pieces migrate reuses.  All append to b. */
void pbt_ddl_column_def(struct pbt_buf *b, const struct pbt_pgcol *c);
void pbt_ddl_column_comment(struct pbt_buf *b, const struct pbt_ptable *t,
			    const struct pbt_pgcol *c);
/* The strict CHECK of c (constraint name and expression), false if none. */
bool pbt_ddl_check(struct pbt_buf *name, struct pbt_buf *expr,
		   const struct pbt_ptable *t, const struct pbt_pgcol *c);
void pbt_ddl_index(struct pbt_buf *b, const struct pbt_ptable *t,
		   const struct pbt_pgindex *ix, bool concurrently);
/* COMMENT ON INDEX with the index's fingerprint. */
void pbt_ddl_index_comment(struct pbt_buf *b, const struct pbt_ptable *t,
			   const struct pbt_pgindex *ix);
/*
 * The view, its write path (apply function, trigger function, INSTEAD OF
 * trigger) and comments.  cols: the view's columns in order (a migrated
 * view keeps its old order and appends); replace: CREATE OR REPLACE.
 */
void pbt_ddl_view(struct pbt_buf *b, const struct pbt_ptable *t,
		  const struct pbt_pgcol *const *cols, size_t n_cols, bool replace);
/* The view's write-path function "schema.<view>_<role>" (apply, dml), quoted. */
void pbt_ddl_view_function(struct pbt_buf *b, const struct pbt_ptable *t, const char *role);
/* Everything for one table, created from nothing. */
void pbt_ddl_table(struct pbt_sql *s, const struct pbt_ptable *t, unsigned flags);

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

/* CREATE SCHEMA IF NOT EXISTS for schema (not for "public"). */
void pbt_ddl_schema(struct pbt_buf *b, const char *schema);
/* The helper schema and the helpers in set. */
void pbt_ddl_helpers(struct pbt_buf *b, pbt_helper_set set);

/* Is s a lock_timeout value we pass on (500ms, 5s, 1min, 2h, 1d, 0)? */
bool pbt_lock_timeout_valid(const char *s);
/* Does --table want match t ("schema.table", "table" or the message)? */
bool pbt_ptable_matches(const struct pbt_ptable *t, const char *want);

/* Sort tables by schema, then name (pg_dump's order). */
void pbt_ptables_sort(struct pbt_ptable *v, size_t n);

#endif
