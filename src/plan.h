#ifndef PBT_PLAN_H
#define PBT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ddl_helpers.h"
#include "diff.h"

struct pbt_arena;
struct pbt_pgindex;
struct pbt_ptable;
struct pbt_sql;

/*
 * One planner for `ddl`, `migrate` and `drift --fix`.  The differences
 * between pbtables as they are and as they should be (struct pbt_diff:
 * found in a live catalog by drift.c, or between two configs by
 * pbt_plan_configs(); for ddl, against no config at all) become actions
 * on each table (pbt_plan_take(), plan.c: one switch over the drift
 * kinds), and pbt_plan_emit() (plan_emit.c) turns the actions into the
 * statements of a script with ddl.c's generators.  What the plan will
 * not do is a warning of the script, one wording per reason.
 */

enum pbt_plan_mode {
	/*
	 * migrate: the tables are what OLD's config made.  A changed column
	 * or index stays unless --allow-drop (rebuilding costs a rewrite), a
	 * column whose field is gone is retired (kept, marked, read-only in
	 * the view), indexes are built CONCURRENTLY after COMMIT, and the
	 * view is replaced in place when it only gains columns.
	 */
	PBT_PLAN_MIGRATE,
	/*
	 * drift --fix: the tables were changed by hand.  Whatever pbtable
	 * makes is made again, in the one transaction.
	 */
	PBT_PLAN_REPAIR,
};

struct pbt_plan_opts {
	enum pbt_plan_mode mode;
	bool allow_drop; /* drop what may hold data or was not configured */
	bool strict;	 /* the tables have (or get) the --strict CHECKs */
};

/* What happens to a column of the table as it should be. */
enum pbt_plan_col {
	PBT_PLAN_COL_KEEP,
	PBT_PLAN_COL_ADD,
	PBT_PLAN_COL_RECREATE, /* dropped and added again: a rewrite */
};

enum pbt_plan_view {
	PBT_PLAN_VIEW_KEEP,
	PBT_PLAN_VIEW_COMMENT,	/* its comment written again */
	PBT_PLAN_VIEW_REPLACE,	/* CREATE OR REPLACE: it gains columns */
	PBT_PLAN_VIEW_RECREATE, /* dropped and created again */
};

/* A list of names, columns, indexes or differences, grown in the arena. */
struct pbt_plan_list {
	const void **v;
	size_t n, cap;
};

/*
 * The actions on one table; filled by plan.c, read by plan_emit.c.  The
 * lists hold names, except where said.
 */
struct pbt_plan_table {
	const struct pbt_ptable *t;   /* as it should be */
	const struct pbt_ptable *old; /* migrate: as OLD's config made it */
	bool create;		      /* CREATE TABLE and all, as ddl does */
	unsigned char *col;	      /* enum pbt_plan_col per t->cols */
	bool *col_comment;	      /* per t->cols: comment written again */
	struct pbt_plan_list drop_cols;
	struct pbt_plan_list retire;	  /* migrate: pgcols to mark retired */
	struct pbt_plan_list read_only;	  /* columns the view shows read-only */
	struct pbt_plan_list nullability; /* NOT NULL to drop */
	struct pbt_plan_list drop_cons, add_cons, validate_cons;
	struct pbt_plan_list drop_idx;
	struct pbt_plan_list create_idx, comment_idx; /* struct pbt_pgindex */
	struct pbt_plan_list drop_trg; /* struct pbt_diff: triggers, rules */
	bool rowid_add, data_notnull;
	bool table_comment, data_comment, rowid_comment;
	enum pbt_plan_view view;
	bool view_has_extras;	   /* triggers or rules on it we did not make */
	const char *drop_old_view; /* migrate: a view no longer configured */
};

struct pbt_plan {
	struct pbt_sql *s;
	struct pbt_arena *a; /* s's arena: the plan lives as long as s */
	struct pbt_plan_opts o;
	pbt_helper_set helpers; /* PBT_HBIT set to create */
	/*
	 * migrate: the helpers NEW uses that OLD had too.  A database made by
	 * an older pbtable has the helpers of its day, not this one's, so
	 * they are created again (a no-op under the body guard) whenever the
	 * plan does anything else.
	 */
	pbt_helper_set helpers_refresh;
	struct pbt_plan_table **tables;
	size_t n_tables, cap_tables;
	struct pbt_plan_list gone; /* migrate: struct pbt_ptable to drop */
};

/* A plan whose statements and warnings go to s. */
void pbt_plan_init(struct pbt_plan *p, struct pbt_sql *s,
		   const struct pbt_plan_opts *o);
void pbt_plan_release(struct pbt_plan *p);

/*
 * The plan of table t (as it should be).  Tables are emitted in the
 * order they are added.  old: migrate's table as OLD's config has it, or
 * NULL.  retired[0..n_retired): columns an earlier migrate retired, which
 * a recreated view shows read-only.
 */
struct pbt_plan_table *pbt_plan_table(struct pbt_plan *p,
				      const struct pbt_ptable *t,
				      const struct pbt_ptable *old,
				      const char *const *retired,
				      size_t n_retired);

/*
 * Take one difference into the plan of pt (NULL for a helper): an action,
 * or a warning saying why not.
 */
void pbt_plan_take(struct pbt_plan *p, struct pbt_plan_table *pt,
		   const struct pbt_diff *d);

/*
 * ddl and migrate: the statements, into s, that take the tables of one
 * config (old[0..n_old), using old_helpers; none for ddl) to those of
 * another (new[0..n_new)), matched by schema and name.  The differences
 * between the two are taken into a plan (helpers new needs that old did
 * not use, new and changed tables in new's order, then tables no longer
 * configured in old's), and the plan is emitted.  Names from a hostile
 * set can make SQL PostgreSQL refuses: -PBT_EINPUT at set_path
 * (pbt_sql_check_utf8()).
 */
int pbt_plan_configs(struct pbt_sql *s, const struct pbt_plan_opts *o,
		     const struct pbt_ptable *old, size_t n_old,
		     pbt_helper_set old_helpers, const struct pbt_ptable *new,
		     size_t n_new, pbt_helper_set new_helpers, const char *set_path,
		     struct pbt_err *err);

/*
 * The last decisions on pt, once every difference is in: the view goes
 * when its columns do (replaced in place where migrate only adds), but
 * not over triggers or rules someone else made.  pbt_plan_emit() calls
 * it.
 */
void pbt_plan_settle(struct pbt_plan *p, struct pbt_plan_table *pt);

/* The statements of the plan: helpers, then each table, into p's script. */
void pbt_plan_emit(struct pbt_plan *p);

#endif
