/*
 * The emitter: a plan's actions (plan.c) as statements, built with
 * ddl.c's generators, so what migrate adds and what drift --fix repairs
 * is byte for byte what ddl writes.  Per table, in the transaction and in
 * this order: triggers and rules dropped, the view dropped, indexes
 * dropped, one ALTER TABLE (constraints dropped, columns dropped, columns
 * added, NOT NULL, constraints added: one rewrite), constraints
 * validated, comments, indexes, the view; after COMMIT the CHECKs of new
 * columns are validated and, for migrate, the indexes are built
 * CONCURRENTLY.  Tables no longer configured go last.
 */
#include "plan.h"

#include <string.h>

#include "arena.h"
#include "ddl.h"
#include "script.h"
#include "sql_quote.h"

struct emit {
	struct pbt_plan *p;
	struct pbt_sql *s;
	struct pbt_plan_list schemas; /* created so far */
};

static void qualified(struct pbt_buf *b, const struct pbt_ptable *t,
		      const char *name)
{
	pbt_sql_qualified(b, t->schema, name);
}

static void create_schema(struct emit *e, const char *schema)
{
	size_t i;

	for (i = 0; i < e->schemas.n; i++)
		if (!strcmp(e->schemas.v[i], schema))
			return;
	if (e->schemas.n == e->schemas.cap) {
		const void **v;

		e->schemas.cap = e->schemas.cap ? 2 * e->schemas.cap : 8;
		v = pbt_arena_calloc(e->p->a, e->schemas.cap, sizeof(*v));
		if (e->schemas.n)
			memcpy(v, e->schemas.v,
			       e->schemas.n * sizeof(*e->schemas.v));
		e->schemas.v = v;
	}
	e->schemas.v[e->schemas.n++] = schema;
	pbt_ddl_schema(e->s, schema);
}

/*
 * DROP the view of t and its write path, each IF EXISTS: the apply
 * function first (its arguments are of the view's row type, so the view
 * cannot go while it exists), then the view (its trigger goes with it),
 * then the trigger function.  note: above the first, or NULL.
 */
static void drop_view(struct emit *e, const struct pbt_ptable *t,
		      const char *note)
{
	struct pbt_buf v = PBT_BUF_INIT, fn = PBT_BUF_INIT, b = PBT_BUF_INIT;

	qualified(&v, t, t->view);
	pbt_ddl_view_function(&fn, t, "apply");
	pbt_buf_addf(&b, "DROP FUNCTION IF EXISTS %s(jsonb, %s, %s);", fn.buf,
		     v.buf, v.buf);
	PBT_SQL_ADD(e->s, .object = fn.buf, .note = note, .sql = b.buf);
	pbt_buf_reset(&b);
	pbt_buf_addf(&b, "DROP VIEW IF EXISTS %s;", v.buf);
	PBT_SQL_ADD(e->s, .lock = PBT_LOCK_ACCESS_EXCLUSIVE, .object = v.buf,
		    .sql = b.buf);
	pbt_buf_reset(&fn);
	pbt_buf_reset(&b);
	pbt_ddl_view_function(&fn, t, "dml");
	pbt_buf_addf(&b, "DROP FUNCTION IF EXISTS %s();", fn.buf);
	PBT_SQL_ADD(e->s, .object = fn.buf, .sql = b.buf);
	pbt_buf_release(&v);
	pbt_buf_release(&fn);
	pbt_buf_release(&b);
}

static void drop_index(struct emit *e, const struct pbt_ptable *t,
		       const char *name, enum pbt_sql_phase phase)
{
	struct pbt_buf b = PBT_BUF_INIT, tbl = PBT_BUF_INIT;
	bool after = phase == PBT_PHASE_AFTER;

	qualified(&tbl, t, t->name);
	pbt_buf_adds(&b, after ? "DROP INDEX CONCURRENTLY IF EXISTS "
			       : "DROP INDEX ");
	qualified(&b, t, name);
	pbt_buf_addc(&b, ';');
	PBT_SQL_ADD(e->s, .phase = phase,
		    .lock = after ? PBT_LOCK_SHARE_UPDATE_EXCLUSIVE
				  : PBT_LOCK_ACCESS_EXCLUSIVE,
		    .object = tbl.buf, .sql = b.buf);
	pbt_buf_release(&b);
	pbt_buf_release(&tbl);
}

/* "ALTER TABLE t\n\t" before the first clause, ",\n\t" between. */
static void clause(struct pbt_buf *alter, const char *tbl)
{
	if (!alter->len)
		pbt_buf_addf(alter, "ALTER TABLE %s\n\t", tbl);
	else
		pbt_buf_adds(alter, ",\n\t");
}

/* ADD CONSTRAINT for one of the constraints pbtable creates, by name. */
static bool con_clause(struct pbt_buf *b, const struct pbt_ptable *t,
		       const char *name)
{
	const char *parts[3] = { t->name, "pkey", NULL };
	struct pbt_buf n = PBT_BUF_INIT, x = PBT_BUF_INIT;
	bool found = false;
	size_t i;

	pbt_sql_derived_name(&n, parts, 2);
	if (!strcmp(n.buf, name)) {
		pbt_buf_adds(b, "ADD CONSTRAINT ");
		pbt_sql_ident(b, name);
		pbt_buf_adds(b, " PRIMARY KEY (");
		pbt_sql_ident(b, t->pk);
		pbt_buf_adds(b, ")");
		found = true;
		goto out;
	}
	pbt_buf_reset(&n);
	parts[1] = "data", parts[2] = "check";
	pbt_sql_derived_name(&n, parts, 3);
	if (!strcmp(n.buf, name)) {
		pbt_buf_adds(b, "ADD CONSTRAINT ");
		pbt_sql_ident(b, name);
		pbt_buf_adds(b, " CHECK (jsonb_typeof(data) = 'object')");
		found = true;
		goto out;
	}
	for (i = 0; i < t->n_cols && !found; i++) {
		pbt_buf_reset(&n);
		pbt_buf_reset(&x);
		if (!pbt_ddl_check(&n, &x, t, &t->cols[i]) ||
		    strcmp(n.buf, name))
			continue;
		pbt_buf_adds(b, "ADD CONSTRAINT ");
		pbt_sql_ident(b, name);
		pbt_buf_addf(b, " CHECK (%s)", x.buf);
		found = true;
	}
out:
	pbt_buf_release(&n);
	pbt_buf_release(&x);
	return found;
}

/* Is name the --strict CHECK of a column the ALTER adds? */
static bool check_of_added(const struct pbt_plan_table *pt, const char *name)
{
	struct pbt_buf n = PBT_BUF_INIT, x = PBT_BUF_INIT;
	bool is = false;
	size_t i;

	for (i = 0; i < pt->t->n_cols && !is; i++) {
		pbt_buf_reset(&n);
		pbt_buf_reset(&x);
		is = pt->col[i] != PBT_PLAN_COL_KEEP &&
		     pbt_ddl_check(&n, &x, pt->t, &pt->t->cols[i]) &&
		     !strcmp(n.buf, name);
	}
	pbt_buf_release(&n);
	pbt_buf_release(&x);
	return is;
}

/*
 * The one ALTER TABLE: what it drops, then what it adds, so a table is
 * rewritten once.  The --strict CHECKs of added columns come NOT VALID,
 * validated after COMMIT (their names go to validate): an old row that
 * breaks one then fails a cheap, named statement, not the rewrite.
 */
static void alter_table(struct emit *e, const struct pbt_plan_table *pt,
			const char *tbl, struct pbt_plan_list *validate)
{
	const struct pbt_ptable *t = pt->t;
	struct pbt_buf alter = PBT_BUF_INIT, note = PBT_BUF_INIT;
	struct pbt_buf n = PBT_BUF_INIT, x = PBT_BUF_INIT;
	size_t i, n_add = 0;

	for (i = 0; i < pt->drop_cons.n; i++) {
		clause(&alter, tbl);
		pbt_buf_adds(&alter, "DROP CONSTRAINT ");
		pbt_sql_ident(&alter, pt->drop_cons.v[i]);
	}
	for (i = 0; i < t->n_cols; i++) {
		if (pt->col[i] != PBT_PLAN_COL_RECREATE)
			continue;
		clause(&alter, tbl);
		pbt_buf_adds(&alter, "DROP COLUMN ");
		pbt_sql_ident(&alter, t->cols[i].name);
	}
	for (i = 0; i < pt->drop_cols.n; i++) {
		clause(&alter, tbl);
		pbt_buf_adds(&alter, "DROP COLUMN ");
		pbt_sql_ident(&alter, pt->drop_cols.v[i]);
	}
	if (pt->rowid_add) {
		clause(&alter, tbl);
		pbt_buf_adds(&alter, "ADD COLUMN " PBT_ROWID_COLUMN
				     " bigint GENERATED ALWAYS AS IDENTITY");
	}
	for (i = 0; i < t->n_cols; i++) {
		if (pt->col[i] == PBT_PLAN_COL_KEEP)
			continue;
		clause(&alter, tbl);
		pbt_buf_adds(&alter, "ADD COLUMN ");
		pbt_ddl_column_def(&alter, &t->cols[i]);
		n_add++;
	}
	if (pt->data_notnull) {
		clause(&alter, tbl);
		pbt_buf_adds(&alter, "ALTER COLUMN data SET NOT NULL");
	}
	for (i = 0; i < pt->nullability.n; i++) {
		clause(&alter, tbl);
		pbt_buf_adds(&alter, "ALTER COLUMN ");
		pbt_sql_ident(&alter, pt->nullability.v[i]);
		pbt_buf_adds(&alter, " DROP NOT NULL");
	}
	for (i = 0; i < pt->add_cons.n; i++) {
		if (check_of_added(pt, pt->add_cons.v[i]))
			continue; /* comes with its column, below */
		clause(&alter, tbl);
		con_clause(&alter, t, pt->add_cons.v[i]);
	}
	for (i = 0; e->p->o.strict && i < t->n_cols; i++) {
		pbt_buf_reset(&n);
		pbt_buf_reset(&x);
		if (pt->col[i] == PBT_PLAN_COL_KEEP ||
		    !pbt_ddl_check(&n, &x, t, &t->cols[i]))
			continue;
		clause(&alter, tbl);
		pbt_buf_adds(&alter, "ADD CONSTRAINT ");
		pbt_sql_ident(&alter, n.buf);
		pbt_buf_addf(&alter, " CHECK (%s) NOT VALID", x.buf);
		validate->v[validate->n++] = pbt_arena_strdup(e->p->a, n.buf);
	}
	if (n_add)
		pbt_buf_addf(
			&note,
			"-- ADD COLUMN ... GENERATED ALWAYS AS (...) STORED "
			"rewrites the whole\n"
			"-- table and its indexes under an ACCESS "
			"EXCLUSIVE lock: reads and writes\n"
			"-- wait until COMMIT.  Columns added: %zu, in one "
			"ALTER TABLE, so the\n"
			"-- table is rewritten once.\n",
			n_add);
	if (alter.len) {
		pbt_buf_addc(&alter, ';');
		PBT_SQL_ADD(e->s, .lock = PBT_LOCK_ACCESS_EXCLUSIVE,
			    .object = tbl, .note = note.len ? note.buf : NULL,
			    .sql = alter.buf);
	}
	pbt_buf_release(&alter);
	pbt_buf_release(&note);
	pbt_buf_release(&n);
	pbt_buf_release(&x);
}

static void validate(struct emit *e, const char *tbl, const char *name,
		     enum pbt_sql_phase phase)
{
	struct pbt_buf b = PBT_BUF_INIT;

	pbt_buf_addf(&b, "ALTER TABLE %s VALIDATE CONSTRAINT ", tbl);
	pbt_sql_ident(&b, name);
	pbt_buf_addc(&b, ';');
	PBT_SQL_ADD(e->s, .phase = phase,
		    .lock = PBT_LOCK_SHARE_UPDATE_EXCLUSIVE, .object = tbl,
		    .sql = b.buf);
	pbt_buf_release(&b);
}

/* The view's columns: as they should be, then read-only retired ones. */
static void view(struct emit *e, const struct pbt_plan_table *pt)
{
	const struct pbt_ptable *t = pt->t, *old = pt->old;
	const struct pbt_pgcol **cols;
	size_t i, n = 0;

	if (pt->view == PBT_PLAN_VIEW_KEEP)
		return;
	if (pt->view == PBT_PLAN_VIEW_COMMENT) {
		pbt_ddl_table_comment(e->s, t, "view");
		return;
	}
	cols = pbt_arena_calloc(e->p->a,
				t->n_cols + pt->read_only.n +
					(old ? old->n_cols : 0) + 1,
				sizeof(*cols));
	if (pt->view == PBT_PLAN_VIEW_REPLACE) {
		/* CREATE OR REPLACE VIEW may only append: the old order */
		for (i = 0; i < old->n_cols; i++) {
			const struct pbt_pgcol *c =
				pbt_ptable_column(t, old->cols[i].name);
			struct pbt_pgcol *rc;

			if (c) {
				cols[n++] = c;
				continue;
			}
			rc = pbt_arena_zalloc(e->p->a, sizeof(*rc));
			rc->kind = PBT_COL_FIELD;
			rc->name = old->cols[i].name; /* no wpre: read-only */
			cols[n++] = rc;
		}
		for (i = 0; i < t->n_cols; i++)
			if (pt->col[i] == PBT_PLAN_COL_ADD)
				cols[n++] = &t->cols[i];
		pbt_ddl_view(e->s, t, cols, n, true);
		return;
	}
	for (i = 0; i < t->n_cols; i++)
		cols[n++] = &t->cols[i];
	for (i = 0; i < pt->read_only.n; i++) {
		struct pbt_pgcol *rc = pbt_arena_zalloc(e->p->a, sizeof(*rc));

		rc->kind = PBT_COL_FIELD;
		rc->name = pt->read_only.v[i]; /* no wpre: read-only */
		cols[n++] = rc;
	}
	pbt_ddl_view(e->s, t, cols, n, false);
}

/* Is ix built: asked for, or taken along by a column dropped and added? */
static bool builds(const struct pbt_plan_table *pt,
		   const struct pbt_pgindex *ix)
{
	const struct pbt_ptable *t = pt->t;
	size_t j;

	for (j = 0; j < pt->create_idx.n; j++)
		if (pt->create_idx.v[j] == ix)
			return true;
	for (j = 0; j < ix->n_columns; j++) {
		const struct pbt_pgcol *c = pbt_ptable_column(t,
							      ix->columns[j]);

		if (c && pt->col[c - t->cols] == PBT_PLAN_COL_RECREATE)
			return true;
	}
	return false;
}

static void emit_table(struct emit *e, struct pbt_plan_table *pt)
{
	const struct pbt_ptable *t = pt->t, *old = pt->old;
	enum pbt_sql_phase ix_phase = e->p->o.mode == PBT_PLAN_MIGRATE
					      ? PBT_PHASE_AFTER
					      : PBT_PHASE_TX;
	struct pbt_buf tbl = PBT_BUF_INIT, note = PBT_BUF_INIT;
	struct pbt_plan_list checks = { NULL, 0, 0 };
	size_t mark = pbt_sql_count(e->s), i, j;

	if (pt->create) {
		create_schema(e, t->schema);
		pbt_ddl_table(e->s, t, e->p->o.strict ? PBT_DDL_STRICT : 0);
		return;
	}
	pbt_plan_settle(e->p, pt);
	qualified(&tbl, t, t->name);
	for (i = 0; i < pt->drop_trg.n; i++) {
		const struct pbt_diff *d = pt->drop_trg.v[i];
		struct pbt_buf b = PBT_BUF_INIT, on = PBT_BUF_INIT;

		qualified(&on, t, d->on_view ? t->view : t->name);
		pbt_buf_addf(&b, "DROP %s ",
			     d->kind == PBT_DRIFT_EXTRA_RULE ? "RULE"
							     : "TRIGGER");
		pbt_sql_ident(&b, d->object);
		pbt_buf_addf(&b, " ON %s;", on.buf);
		PBT_SQL_ADD(e->s, .lock = PBT_LOCK_ACCESS_EXCLUSIVE,
			    .object = on.buf, .sql = b.buf);
		pbt_buf_release(&b);
		pbt_buf_release(&on);
	}
	if (pt->drop_old_view)
		drop_view(e, old, NULL);
	if (pt->view == PBT_PLAN_VIEW_RECREATE &&
	    (!old || (old->view && !strcmp(old->view, t->view))))
		drop_view(e, t,
			  "-- The view is created again: grants on it "
			  "are lost.\n");
	for (i = 0; ix_phase == PBT_PHASE_TX && i < pt->drop_idx.n; i++)
		drop_index(e, t, pt->drop_idx.v[i], PBT_PHASE_TX);
	checks.cap = t->n_cols + 1;
	checks.v = pbt_arena_calloc(e->p->a, checks.cap, sizeof(*checks.v));
	alter_table(e, pt, tbl.buf, &checks);
	for (i = 0; i < pt->validate_cons.n; i++)
		validate(e, tbl.buf, pt->validate_cons.v[i], PBT_PHASE_TX);
	if (pt->table_comment)
		pbt_ddl_table_comment(e->s, t, "table");
	if (pt->data_comment)
		pbt_ddl_table_comment(e->s, t, "data");
	if (pt->rowid_add || pt->rowid_comment)
		pbt_ddl_table_comment(e->s, t, "rowid");
	for (i = 0; i < t->n_cols; i++)
		if (pt->col[i] != PBT_PLAN_COL_KEEP || pt->col_comment[i])
			pbt_ddl_column_comment(e->s, t, &t->cols[i]);
	for (i = 0; i < pt->retire.n; i++) {
		const struct pbt_pgcol *c = pt->retire.v[i];
		struct pbt_pgcol rc = *c;

		rc.retired = true;
		pbt_ddl_column_comment(e->s, t, &rc);
	}
	for (i = 0; i < t->n_indexes; i++) {
		const struct pbt_pgindex *ix = &t->indexes[i];
		bool comment = false;

		for (j = 0; j < pt->comment_idx.n; j++)
			comment |= pt->comment_idx.v[j] == ix;
		if (ix_phase == PBT_PHASE_TX && builds(pt, ix))
			pbt_ddl_index(e->s, t, ix, PBT_PHASE_TX, NULL);
		else if (comment)
			pbt_ddl_index_comment(e->s, t, ix);
	}
	view(e, pt);
	pbt_sql_comment(&note, "%s: message %s", tbl.buf, t->message);
	pbt_sql_group(e->s, mark, note.buf);

	/* after COMMIT */
	for (i = 0; i < checks.n; i++)
		validate(e, tbl.buf, checks.v[i], PBT_PHASE_AFTER);
	if (ix_phase == PBT_PHASE_AFTER) {
		for (i = 0; i < pt->drop_idx.n; i++)
			drop_index(e, t, pt->drop_idx.v[i], PBT_PHASE_AFTER);
		for (i = 0; i < t->n_indexes; i++) {
			if (!builds(pt, &t->indexes[i]))
				continue;
			pbt_buf_reset(&note);
			pbt_sql_comment(&note, "%s: new index %s", tbl.buf,
					t->indexes[i].name);
			pbt_ddl_index(e->s, t, &t->indexes[i], PBT_PHASE_AFTER,
				      note.buf);
		}
	}
	pbt_buf_release(&tbl);
	pbt_buf_release(&note);
}

/* migrate --allow-drop: a table no longer configured, with its view. */
static void emit_gone(struct emit *e, const struct pbt_ptable *ot)
{
	struct pbt_buf b = PBT_BUF_INIT, note = PBT_BUF_INIT;
	size_t mark = pbt_sql_count(e->s);

	if (ot->view)
		drop_view(e, ot, NULL);
	pbt_buf_adds(&b, "DROP TABLE ");
	qualified(&b, ot, ot->name);
	pbt_buf_addc(&b, ';');
	PBT_SQL_ADD(e->s, .lock = PBT_LOCK_ACCESS_EXCLUSIVE,
		    .object = b.buf + strlen("DROP TABLE "), .sql = b.buf);
	pbt_sql_comment(
		&note,
		"%s.%s: message %s is no longer configured (--allow-drop)",
		ot->schema, ot->name, ot->message);
	pbt_sql_group(e->s, mark, note.buf);
	pbt_buf_release(&b);
	pbt_buf_release(&note);
}

void pbt_plan_emit(struct pbt_plan *p)
{
	struct emit e;
	size_t i, start, mark;

	memset(&e, 0, sizeof(e));
	e.p = p;
	e.s = p->s;
	start = pbt_sql_count(p->s);
	pbt_ddl_helpers(p->s, p->helpers | p->helpers_refresh);
	mark = pbt_sql_count(p->s);
	for (i = 0; i < p->n_tables; i++)
		emit_table(&e, p->tables[i]);
	for (i = 0; i < p->gone.n; i++)
		emit_gone(&e, p->gone.v[i]);
	/* helpers refreshed alone would be a script that does nothing */
	if (!p->helpers && pbt_sql_count(p->s) == mark)
		pbt_sql_truncate(p->s, start);
}
