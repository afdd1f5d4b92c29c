/*
 * The planner shared by `ddl`, `migrate` and `drift --fix`: differences
 * in, actions out.  pbt_plan_take() is the one place that decides what a
 * difference of each kind leads to (a switch over the drift kinds, so
 * -Wswitch finds a kind without a decision), and the one place that says
 * why something is left alone.  pbt_plan_configs() finds the differences
 * between two configs' tables, for ddl and migrate; drift.c finds them in
 * a live catalog.  The statements are plan_emit.c's.
 */
#include "plan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ddl.h"
#include "ddl_helpers.h"
#include "script.h"
#include "sql_quote.h"

/*
 * Why the plan leaves a difference alone: a warning "subject: what is
 * different; why", one wording per reason whichever command asked.
 */
#define WHY_DROPS "kept (--allow-drop drops it)"
#define WHY_REPLACES \
	"kept: it holds values of its own now (--allow-drop replaces it)"
#define WHY_RETIRED "the column is kept (retired); --allow-drop drops it"
#define WHY_OLD_EXPRESSION                                                  \
	"the column keeps the old one and its stored values; --allow-drop " \
	"recreates it (a table rewrite)"
#define WHY_INDEX_KEPT "kept as it is (--allow-drop rebuilds it)"
#define WHY_PRIMARY_KEY \
	"kept: it is the primary key column; rebuild the key by hand"
#define WHY_BY_HAND \
	"not repaired: no statement does it safely; repair it by hand"
#define WHY_HELPER                                                          \
	"not replaced: a helper never changes under its name; drop it and " \
	"the columns computed with it, then run --fix again"

void pbt_plan_init(struct pbt_plan *p, struct pbt_sql *s,
		   const struct pbt_plan_opts *o)
{
	memset(p, 0, sizeof(*p));
	p->s = s;
	p->a = s->arena;
	p->o = *o;
}

void pbt_plan_release(struct pbt_plan *p)
{
	free(p->tables);
	memset(p, 0, sizeof(*p));
}

/* Append x to l (once, if uniq); the list grows in the arena. */
static void push(struct pbt_arena *a, struct pbt_plan_list *l, const void *x,
		 bool uniq)
{
	size_t i;

	for (i = 0; uniq && i < l->n; i++)
		if (l->v[i] == x)
			return;
	if (l->n == l->cap) {
		const void **v;

		l->cap = l->cap ? 2 * l->cap : 8;
		v = pbt_arena_calloc(a, l->cap, sizeof(*v));
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
	}
	l->v[l->n++] = x;
}

/* Append the name x to l, once. */
static void push_name(struct pbt_arena *a, struct pbt_plan_list *l,
		      const char *x)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], x))
			return;
	push(a, l, x, false);
}

struct pbt_plan_table *pbt_plan_table(struct pbt_plan *p,
				      const struct pbt_ptable *t,
				      const struct pbt_ptable *old,
				      const char *const *retired,
				      size_t n_retired)
{
	struct pbt_plan_table *pt = pbt_arena_zalloc(p->a, sizeof(*pt));
	size_t i;

	pt->t = t;
	pt->old = old;
	pt->col = pbt_arena_calloc(p->a, t->n_cols + 1, sizeof(*pt->col));
	pt->col_comment = pbt_arena_calloc(p->a, t->n_cols + 1,
					   sizeof(*pt->col_comment));
	for (i = 0; i < n_retired; i++)
		push(p->a, &pt->read_only, retired[i], false);
	if (p->n_tables == p->cap_tables) {
		p->cap_tables = p->cap_tables ? 2 * p->cap_tables : 16;
		p->tables = pbt_xrealloc(p->tables,
					 p->cap_tables * sizeof(*p->tables));
	}
	p->tables[p->n_tables++] = pt;
	return pt;
}

/* ---------------------------------------------------------------- take */

static void keep_at(struct pbt_plan *p, const char *subject,
		    const char *message, const char *why)
{
	pbt_sql_warn(p->s, "%s: %s; %s", subject, message, why);
}

/* schema.table[.column] (the table quoted as SQL), or schema.helper(args). */
static const char *subject(struct pbt_plan *p, const struct pbt_diff *d)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *s;

	if (!d->table)
		return pbt_arena_printf(p->a, "%s.%s", d->schema, d->object);
	pbt_sql_qualified(&b, d->schema, d->table);
	if (d->column)
		pbt_buf_addf(&b, ".%s", d->column);
	s = pbt_arena_strdup(p->a, b.buf);
	pbt_buf_release(&b);
	return s;
}

static void keep(struct pbt_plan *p, const struct pbt_diff *d, const char *why)
{
	keep_at(p, subject(p, d), d->message, why);
}

static const struct pbt_pgindex *find_index(const struct pbt_ptable *t,
					    const char *name)
{
	size_t i;

	for (i = 0; name && i < t->n_indexes; i++)
		if (!strcmp(t->indexes[i].name, name))
			return &t->indexes[i];
	return NULL;
}

static size_t col_index(const struct pbt_ptable *t, const struct pbt_pgcol *c)
{
	return (size_t)(c - t->cols);
}

/* A rebuild of one of t's columns (drop and add again): kept when not safe. */
static void rebuild_column(struct pbt_plan *p, struct pbt_plan_table *pt,
			   const struct pbt_diff *d)
{
	const struct pbt_ptable *t = pt->t;
	size_t i = col_index(t, d->col);

	if (p->o.mode == PBT_PLAN_MIGRATE && !p->o.allow_drop)
		keep(p, d, WHY_OLD_EXPRESSION);
	else if (!strcmp(d->col->name, t->pk))
		keep(p, d, WHY_PRIMARY_KEY); /* dropping it drops the key */
	else if (pt->col[i] != PBT_PLAN_COL_ADD)
		pt->col[i] = PBT_PLAN_COL_RECREATE;
}

void pbt_plan_take(struct pbt_plan *p, struct pbt_plan_table *pt,
		   const struct pbt_diff *d)
{
	const struct pbt_drift_kind_info *k = &pbt_drift_kinds[d->kind];
	struct pbt_arena *a = p->a;
	const struct pbt_ptable *t = pt ? pt->t : NULL;

	if (d->manual || k->repair == PBT_REPAIR_MANUAL) {
		keep(p, d,
		     d->kind == PBT_DRIFT_HELPER_VERSION ? WHY_HELPER
							 : WHY_BY_HAND);
		return;
	}
	/* dropped or not, recreating the view would drop it */
	if ((d->kind == PBT_DRIFT_EXTRA_TRIGGER ||
	     d->kind == PBT_DRIFT_EXTRA_RULE) &&
	    d->on_view)
		pt->view_has_extras = true;
	if (k->repair == PBT_REPAIR_ALLOW_DROP && !p->o.allow_drop) {
		if (d->kind == PBT_DRIFT_EXTRA_COLUMN &&
		    p->o.mode == PBT_PLAN_MIGRATE && d->col) {
			/* a field that is gone: its column stays, marked */
			push(a, &pt->retire, d->col, false);
			push(a, &pt->read_only, d->col->name, false);
			keep(p, d, WHY_RETIRED);
		} else if (d->kind == PBT_DRIFT_NOT_GENERATED && d->col &&
			   !strcmp(d->col->name, t->pk)) {
			keep(p, d, WHY_PRIMARY_KEY);
		} else {
			keep(p, d,
			     d->kind == PBT_DRIFT_NOT_GENERATED ? WHY_REPLACES
								: WHY_DROPS);
		}
		return;
	}
	if (!pt) {
		/* a helper: missing, or its comment; CREATE OR REPLACE both */
		p->helpers |= PBT_HBIT(d->helper);
		return;
	}
	switch (d->kind) {
	case PBT_DRIFT_MISSING_TABLE:
		pt->create = true;
		break;
	case PBT_DRIFT_MISSING_COLUMN:
		if (d->col)
			pt->col[col_index(t, d->col)] = PBT_PLAN_COL_ADD;
		else /* data is by hand */
			pt->rowid_add = true;
		break;
	case PBT_DRIFT_WRONG_TYPE:
	case PBT_DRIFT_WRONG_EXPRESSION:
	case PBT_DRIFT_NOT_GENERATED:
		rebuild_column(p, pt, d);
		break;
	case PBT_DRIFT_WRONG_NULLABILITY:
		if (!d->col)
			pt->data_notnull = true;
		else if (strcmp(d->col->name, t->pk)) /* the key sets it */
			push_name(a, &pt->nullability, d->col->name);
		break;
	case PBT_DRIFT_EXTRA_COLUMN:
		push_name(a, &pt->drop_cols, d->column);
		break;
	case PBT_DRIFT_FINGERPRINT_MISMATCH:
		if (d->col)
			pt->col_comment[col_index(t, d->col)] = true;
		else if (d->column && !strcmp(d->column, "data"))
			pt->data_comment = true;
		else if (d->column)
			pt->rowid_comment = true;
		else if (find_index(t, d->object))
			push(a, &pt->comment_idx, find_index(t, d->object),
			     true);
		else if (d->object && t->view && !strcmp(d->object, t->view))
			pt->view = pt->view == PBT_PLAN_VIEW_RECREATE
					   ? PBT_PLAN_VIEW_RECREATE
					   : PBT_PLAN_VIEW_COMMENT;
		else if (d->object) /* a write-path function's */
			pt->view = PBT_PLAN_VIEW_RECREATE;
		else
			pt->table_comment = true;
		break;
	case PBT_DRIFT_MISSING_CONSTRAINT:
		push_name(a, &pt->add_cons, d->object);
		break;
	case PBT_DRIFT_CONSTRAINT_CHANGED:
		push_name(a, &pt->drop_cons, d->object);
		push_name(a, &pt->add_cons, d->object);
		break;
	case PBT_DRIFT_CONSTRAINT_NOT_VALID:
		push_name(a, &pt->validate_cons, d->object);
		break;
	case PBT_DRIFT_EXTRA_CONSTRAINT:
		push_name(a, &pt->drop_cons, d->object);
		break;
	case PBT_DRIFT_MISSING_INDEX:
		push(a, &pt->create_idx, find_index(t, d->object), true);
		break;
	case PBT_DRIFT_INDEX_CHANGED:
		if (p->o.mode == PBT_PLAN_MIGRATE && !p->o.allow_drop) {
			keep(p, d, WHY_INDEX_KEPT);
			break;
		}
		/* fall through */
	case PBT_DRIFT_INDEX_INVALID:
		push_name(a, &pt->drop_idx, d->object);
		push(a, &pt->create_idx, find_index(t, d->object), true);
		break;
	case PBT_DRIFT_EXTRA_INDEX:
		push_name(a, &pt->drop_idx, d->object);
		break;
	case PBT_DRIFT_EXTRA_TRIGGER:
	case PBT_DRIFT_EXTRA_RULE:
		push(a, &pt->drop_trg, d, false);
		break;
	case PBT_DRIFT_VIEW_CHANGED:
		if (d->object && (!t->view || strcmp(d->object, t->view))) {
			/* migrate: OLD's view, renamed or gone */
			if (p->o.allow_drop)
				pt->drop_old_view = d->object;
			else
				keep(p, d, WHY_DROPS);
			break;
		}
		/* fall through */
	case PBT_DRIFT_MISSING_VIEW:
	case PBT_DRIFT_FUNCTION_MISSING:
	case PBT_DRIFT_FUNCTION_CHANGED:
	case PBT_DRIFT_TRIGGER_MISSING:
	case PBT_DRIFT_TRIGGER_CHANGED:
		pt->view = PBT_PLAN_VIEW_RECREATE;
		break;
	case PBT_DRIFT_DATA_NOT_JSONB:
	case PBT_DRIFT_HELPER_MISSING:
	case PBT_DRIFT_HELPER_VERSION:
	case PBT_N_DRIFT_KINDS:
		PBT_BUG("drift kind %s on table %s: decided above", k->id,
			t->name);
	}
}

/* ---------------------------------------------------------------- settle */

void pbt_plan_settle(struct pbt_plan *p, struct pbt_plan_table *pt)
{
	const struct pbt_ptable *t = pt->t, *old = pt->old;
	size_t i, n_add = 0, n_recreate = 0;
	struct pbt_buf tbl = PBT_BUF_INIT;

	if (pt->create || !t->view)
		return;
	for (i = 0; i < t->n_cols; i++) {
		n_add += pt->col[i] == PBT_PLAN_COL_ADD;
		n_recreate += pt->col[i] == PBT_PLAN_COL_RECREATE;
	}
	/* a view depends on its columns: dropping one takes the view down */
	if (n_recreate || pt->drop_cols.n || pt->rowid_add)
		pt->view = PBT_PLAN_VIEW_RECREATE;
	else if ((n_add || pt->retire.n) && pt->view != PBT_PLAN_VIEW_RECREATE)
		pt->view = p->o.mode == PBT_PLAN_MIGRATE && old->view &&
					   !strcmp(old->view, t->view)
				   ? PBT_PLAN_VIEW_REPLACE
				   : PBT_PLAN_VIEW_RECREATE;
	if (pt->view != PBT_PLAN_VIEW_RECREATE || !pt->view_has_extras ||
	    p->o.allow_drop)
		return;
	/* DROP VIEW would take triggers and rules we did not make with it */
	pbt_sql_qualified(&tbl, t->schema, t->name);
	keep_at(p, tbl.buf,
		pbt_arena_printf(p->a,
				 "view %s has triggers or rules pbtable did "
				 "not create, and recreating it would drop "
				 "them",
				 t->view),
		"not recreated, nor its columns (--allow-drop drops them)");
	pbt_buf_release(&tbl);
	pt->view = PBT_PLAN_VIEW_KEEP;
	for (i = 0; i < t->n_cols; i++)
		if (pt->col[i] == PBT_PLAN_COL_RECREATE)
			pt->col[i] = PBT_PLAN_COL_KEEP;
	pt->drop_cols.n = 0;
}

/* ---------------------------------------------------------------- compare */

static const struct pbt_ptable *find_table(const struct pbt_ptable *v, size_t n,
					   const struct pbt_ptable *t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].schema, t->schema) &&
		    !strcmp(v[i].name, t->name))
			return &v[i];
	return NULL;
}

static bool same_index(const struct pbt_pgindex *a, const struct pbt_pgindex *b)
{
	size_t i;

	if (a->n_columns != b->n_columns || a->unique != b->unique ||
	    strcmp(a->method, b->method))
		return false;
	for (i = 0; i < a->n_columns; i++)
		if (strcmp(a->columns[i], b->columns[i]))
			return false;
	return true;
}

/* Take a difference of kind in t; the message is printf-like. */
static void take(struct pbt_plan *p, struct pbt_plan_table *pt,
		 enum pbt_drift_kind kind, const struct pbt_pgcol *col,
		 const char *column, const char *object, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void take(struct pbt_plan *p, struct pbt_plan_table *pt,
		 enum pbt_drift_kind kind, const struct pbt_pgcol *col,
		 const char *column, const char *object, const char *fmt, ...)
{
	struct pbt_diff d;
	va_list ap;

	memset(&d, 0, sizeof(d));
	d.kind = kind;
	d.t = pt ? pt->t : NULL;
	d.schema = pt ? pt->t->schema : PBT_HELPER_SCHEMA;
	d.table = pt ? pt->t->name : NULL;
	d.col = col;
	d.column = column;
	d.object = object;
	d.helper = PBT_H_NONE;
	d.cmp = -1;
	va_start(ap, fmt);
	d.message = pbt_arena_vprintf(p->a, fmt, ap);
	va_end(ap);
	if (kind == PBT_DRIFT_HELPER_MISSING)
		d.helper = pbt_helper_find(object);
	pbt_plan_take(p, pt, &d);
}

/* OLD's table ot against NEW's nt, the one pt plans. */
static void compare_table(struct pbt_plan *p, struct pbt_plan_table *pt)
{
	const struct pbt_ptable *ot = pt->old, *nt = pt->t;
	size_t i;

	for (i = 0; i < nt->n_cols; i++) {
		const struct pbt_pgcol *nc = &nt->cols[i];
		const struct pbt_pgcol *oc = pbt_ptable_column(ot, nc->name);

		if (!oc)
			take(p, pt, PBT_DRIFT_MISSING_COLUMN, nc, nc->name,
			     NULL, "'%s' is newly projected", nc->path);
		else if (strcmp(oc->pgtype, nc->pgtype) ||
			 strcmp(oc->expr, nc->expr))
			take(p, pt,
			     strcmp(oc->pgtype, nc->pgtype)
				     ? PBT_DRIFT_WRONG_TYPE
				     : PBT_DRIFT_WRONG_EXPRESSION,
			     nc, nc->name, NULL,
			     "the expression changed (%s -> %s)", oc->expr,
			     nc->expr);
	}
	for (i = 0; i < ot->n_cols; i++) {
		const struct pbt_pgcol *oc = &ot->cols[i];

		if (!pbt_ptable_column(nt, oc->name))
			take(p, pt, PBT_DRIFT_EXTRA_COLUMN, oc, oc->name, NULL,
			     "'%s' is no longer projected", oc->path);
	}
	if (ot->view && (!nt->view || strcmp(ot->view, nt->view)))
		take(p, pt, PBT_DRIFT_VIEW_CHANGED, NULL, NULL, ot->view,
		     "view %s is no longer configured", ot->view);
	if (nt->view && (!ot->view || strcmp(ot->view, nt->view)))
		take(p, pt, PBT_DRIFT_MISSING_VIEW, NULL, NULL, nt->view,
		     "view %s is new", nt->view);
	for (i = 0; i < nt->n_indexes; i++) {
		const struct pbt_pgindex *nix = &nt->indexes[i];
		const struct pbt_pgindex *oix = find_index(ot, nix->name);

		if (!oix)
			take(p, pt, PBT_DRIFT_MISSING_INDEX, NULL, NULL,
			     nix->name, "index %s is new", nix->name);
		else if (!same_index(oix, nix))
			take(p, pt, PBT_DRIFT_INDEX_CHANGED, NULL, NULL,
			     nix->name, "index %s changed", nix->name);
	}
	for (i = 0; i < ot->n_indexes; i++) {
		const struct pbt_pgindex *oix = &ot->indexes[i];

		if (!find_index(nt, oix->name))
			take(p, pt, PBT_DRIFT_EXTRA_INDEX, NULL, NULL,
			     oix->name, "index %s is no longer configured",
			     oix->name);
	}
}

static void compare(struct pbt_plan *p, const struct pbt_ptable *old,
		    size_t n_old, pbt_helper_set old_helpers,
		    const struct pbt_ptable *new, size_t n_new,
		    pbt_helper_set new_helpers)
{
	size_t i;
	int h;

	p->helpers_refresh = new_helpers & old_helpers;
	for (h = 0; h < PBT_N_HELPERS; h++)
		if ((new_helpers & ~old_helpers) & PBT_HBIT(h))
			take(p, NULL, PBT_DRIFT_HELPER_MISSING, NULL, NULL,
			     pbt_helper_name((enum pbt_helper)h),
			     "helper %s is new",
			     pbt_helper_name((enum pbt_helper)h));
	for (i = 0; i < n_new; i++) {
		const struct pbt_ptable *ot = find_table(old, n_old, &new[i]);
		struct pbt_plan_table *pt = pbt_plan_table(p, &new[i], ot, NULL,
							   0);

		if (ot)
			compare_table(p, pt);
		else
			take(p, pt, PBT_DRIFT_MISSING_TABLE, NULL, NULL, NULL,
			     "table %s.%s is new", new[i].schema, new[i].name);
	}
	for (i = 0; i < n_old; i++) {
		struct pbt_buf b = PBT_BUF_INIT;

		if (find_table(new, n_new, &old[i]))
			continue;
		if (p->o.allow_drop) {
			push(p->a, &p->gone, &old[i], false);
			continue;
		}
		pbt_sql_qualified(&b, old[i].schema, old[i].name);
		keep_at(p, b.buf,
			pbt_arena_printf(p->a,
					 "message %s is no longer configured",
					 old[i].message),
			WHY_DROPS);
		pbt_buf_release(&b);
	}
}

int pbt_plan_configs(struct pbt_sql *s, const struct pbt_plan_opts *o,
		     const struct pbt_ptable *old, size_t n_old,
		     pbt_helper_set old_helpers, const struct pbt_ptable *new,
		     size_t n_new, pbt_helper_set new_helpers, const char *set_path,
		     struct pbt_err *err)
{
	struct pbt_plan p;

	pbt_plan_init(&p, s, o);
	compare(&p, old, n_old, old_helpers, new, n_new, new_helpers);
	pbt_plan_emit(&p);
	pbt_plan_release(&p);
	return pbt_sql_check_utf8(s, set_path, err);
}
