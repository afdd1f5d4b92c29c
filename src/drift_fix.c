/*
 * `pbtable drift --fix`: the SQL that takes a live database back to what
 * `pbtable ddl` would create, built from the findings of one database
 * with ddl.c's generators (so a repaired object is byte for byte what
 * ddl writes) and run, with --apply, in one transaction.
 *
 * What it will and will not do:
 *   - generated columns hold nothing of their own (they are recomputed
 *     from `data`), so a missing one is added and a wrong one (type,
 *     expression) is dropped and added again: a table rewrite, said so
 *     in the script.  A primary key column is never recreated.
 *   - columns that hold data (an extra plain column, a generated column
 *     someone turned into a plain one with DROP EXPRESSION) and anything
 *     extra (columns, indexes, constraints, triggers, rules) are dropped
 *     only with --allow-drop; otherwise they stay and a warning says so.
 *   - a helper with another body under pbtable's name is not replaced:
 *     the columns computed with it would keep its values (docs/pbtables.md,
 *     "versioned by name"); that, and other damage no statement can
 *     safely undo (data not jsonb, a view that is a table), is left to a
 *     human, with a warning.
 *   - the view is dropped and created again whenever its columns change,
 *     as migrate does (grants on it are lost; the script says so).
 */
#include "drift.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ddl_helpers.h"
#include "migrate.h"
#include "sql_quote.h"

enum colfix { COL_OK, COL_ADD, COL_RECREATE };

struct tfix {
	const struct pbt_ptable *t;
	bool create;
	unsigned char *col; /* enum colfix per expected column */
	bool *col_comment;
	const char **drop_cols; /* extra columns (--allow-drop) */
	size_t n_drop_cols;
	bool rowid_add, data_notnull, table_comment, data_comment,
		rowid_comment;
	const char **nullability; /* columns to flip NOT NULL on */
	size_t n_nullability;
	const char **drop_cons, **add_cons, **validate_cons;
	size_t n_drop_cons, n_add_cons, n_validate_cons;
	const char **drop_idx;
	size_t n_drop_idx;
	const struct pbt_pgindex **create_idx, **comment_idx;
	size_t n_create_idx, n_comment_idx;
	const struct pbt_drift_finding **drop_trg; /* triggers and rules */
	size_t n_drop_trg;
	bool view_recreate, view_comment, view_has_extras;
	size_t n_fixed;
};

static const char *subject(struct pbt_arena *a,
			   const struct pbt_drift_finding *f)
{
	if (!f->table)
		return pbt_arena_printf(a, "%s.%s", f->schema, f->object);
	if (f->column)
		return pbt_arena_printf(a, "%s.%s.%s", f->schema, f->table,
					f->column);
	return pbt_arena_printf(a, "%s.%s", f->schema, f->table);
}

static void keep(struct pbt_sql *s, const struct pbt_drift_finding *f,
		 const char *why)
{
	pbt_sql_warn(s, "%s: %s: not repaired: %s", subject(s->arena, f),
		     f->kind, why);
}

static void push(const char ***v, size_t *n, struct pbt_arena *a, size_t cap,
		 const char *x)
{
	size_t i;

	if (!*v)
		*v = pbt_arena_calloc(a, cap + 1, sizeof(**v));
	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i], x))
			return;
	(*v)[(*n)++] = x;
}

static void push_idx(const struct pbt_pgindex ***v, size_t *n,
		     struct pbt_arena *a, size_t cap,
		     const struct pbt_pgindex *x)
{
	size_t i;

	if (!*v)
		*v = pbt_arena_calloc(a, cap + 1, sizeof(**v));
	for (i = 0; i < *n; i++)
		if ((*v)[i] == x)
			return;
	(*v)[(*n)++] = x;
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

/* ADD CONSTRAINT for one of the constraints pbtable creates, by name. */
static bool con_clause(struct pbt_buf *b, const struct pbt_ptable *t,
		       const char *name)
{
	const char *parts[3] = { t->name, "pkey", NULL };
	struct pbt_buf n = PBT_BUF_INIT, e = PBT_BUF_INIT;
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
		pbt_buf_reset(&e);
		if (!pbt_ddl_check(&n, &e, t, &t->cols[i]) ||
		    strcmp(n.buf, name))
			continue;
		pbt_buf_adds(b, "ADD CONSTRAINT ");
		pbt_sql_ident(b, name);
		pbt_buf_addf(b, " CHECK (%s)", e.buf);
		found = true;
	}
out:
	pbt_buf_release(&n);
	pbt_buf_release(&e);
	return found;
}

/* Sort one finding into the table's plan. */
static void plan(struct pbt_sql *s, const struct pbt_drift *d, struct tfix *x,
		 const struct pbt_drift_finding *f)
{
	struct pbt_arena *a = s->arena;
	const struct pbt_ptable *t = x->t;
	bool allow = d->opts.allow_drop;
	const char *k = f->kind;
	size_t cap = t->n_cols + t->n_indexes + 64;

	if (f->manual) {
		keep(s, f, "repair it by hand");
		return;
	}
	x->n_fixed++;
	if (!strcmp(k, "missing_table")) {
		x->create = true;
	} else if (!strcmp(k, "missing_column")) {
		if (f->col)
			x->col[col_index(t, f->col)] = COL_ADD;
		else
			x->rowid_add = true; /* data is manual */
	} else if (!strcmp(k, "wrong_type") || !strcmp(k, "wrong_expression") ||
		   !strcmp(k, "not_generated")) {
		if (!strcmp(f->col->name, t->pk)) {
			keep(s, f,
			     "it is the primary key column; rebuild the key by "
			     "hand");
			x->n_fixed--;
		} else if (!strcmp(k, "not_generated") && !allow) {
			keep(s, f,
			     "it holds values of its own now (--allow-drop "
			     "replaces it)");
			x->n_fixed--;
		} else if (x->col[col_index(t, f->col)] != COL_ADD) {
			x->col[col_index(t, f->col)] = COL_RECREATE;
		}
	} else if (!strcmp(k, "wrong_nullability")) {
		if (!f->col)
			x->data_notnull = true;
		else if (!strcmp(f->col->name, t->pk))
			x->n_fixed--; /* the primary key sets NOT NULL */
		else
			push(&x->nullability, &x->n_nullability, a, cap,
			     f->col->name);
	} else if (!strcmp(k, "extra_column")) {
		if (allow) {
			push(&x->drop_cols, &x->n_drop_cols, a, cap, f->column);
		} else {
			keep(s, f, "kept (--allow-drop drops it)");
			x->n_fixed--;
		}
	} else if (!strcmp(k, "fingerprint_mismatch")) {
		if (f->col)
			x->col_comment[col_index(t, f->col)] = true;
		else if (f->column && !strcmp(f->column, "data"))
			x->data_comment = true;
		else if (f->column)
			x->rowid_comment = true;
		else if (find_index(t, f->object))
			push_idx(&x->comment_idx, &x->n_comment_idx, a, cap,
				 find_index(t, f->object));
		else if (f->object && t->view && !strcmp(f->object, t->view))
			x->view_comment = true;
		else if (f->object)
			x->view_recreate =
				true; /* a write-path function's comment */
		else
			x->table_comment = true;
	} else if (!strcmp(k, "missing_constraint")) {
		push(&x->add_cons, &x->n_add_cons, a, cap, f->object);
	} else if (!strcmp(k, "constraint_changed")) {
		push(&x->drop_cons, &x->n_drop_cons, a, cap, f->object);
		push(&x->add_cons, &x->n_add_cons, a, cap, f->object);
	} else if (!strcmp(k, "constraint_not_valid")) {
		push(&x->validate_cons, &x->n_validate_cons, a, cap, f->object);
	} else if (!strcmp(k, "extra_constraint")) {
		if (allow) {
			push(&x->drop_cons, &x->n_drop_cons, a, cap, f->object);
		} else {
			keep(s, f, "kept (--allow-drop drops it)");
			x->n_fixed--;
		}
	} else if (!strcmp(k, "missing_index")) {
		push_idx(&x->create_idx, &x->n_create_idx, a, cap,
			 find_index(t, f->object));
	} else if (!strcmp(k, "index_changed") || !strcmp(k, "index_invalid")) {
		push(&x->drop_idx, &x->n_drop_idx, a, cap, f->object);
		push_idx(&x->create_idx, &x->n_create_idx, a, cap,
			 find_index(t, f->object));
	} else if (!strcmp(k, "extra_index")) {
		if (allow) {
			push(&x->drop_idx, &x->n_drop_idx, a, cap, f->object);
		} else {
			keep(s, f, "kept (--allow-drop drops it)");
			x->n_fixed--;
		}
	} else if (!strcmp(k, "extra_trigger") || !strcmp(k, "extra_rule")) {
		if (f->on_view)
			x->view_has_extras = true;
		if (allow) {
			if (!x->drop_trg)
				x->drop_trg = pbt_arena_calloc(
					a, cap + 1, sizeof(*x->drop_trg));
			x->drop_trg[x->n_drop_trg++] = f;
		} else {
			keep(s, f, "kept (--allow-drop drops it)");
			x->n_fixed--;
		}
	} else if (!strcmp(k, "missing_view") || !strcmp(k, "view_changed") ||
		   !strcmp(k, "function_missing") ||
		   !strcmp(k, "function_changed") ||
		   !strcmp(k, "trigger_missing") ||
		   !strcmp(k, "trigger_changed")) {
		x->view_recreate = true;
	} else {
		keep(s, f, "no repair for this kind");
		x->n_fixed--;
	}
}

static void comment_col(struct pbt_buf *b, const struct pbt_ptable *t,
			const char *col, const char *kind)
{
	struct pbt_buf fp = PBT_BUF_INIT;

	pbt_ddl_table_fingerprint(&fp, t, kind);
	pbt_buf_adds(b, "COMMENT ON COLUMN ");
	pbt_sql_qualified(b, t->schema, t->name);
	pbt_buf_addc(b, '.');
	pbt_sql_ident(b, col);
	pbt_buf_adds(b, " IS ");
	pbt_sql_literal(b, fp.buf);
	pbt_buf_adds(b, ";\n");
	pbt_buf_release(&fp);
}

static void alter_item(struct pbt_buf *alter, const char *tbl, size_t *n)
{
	pbt_buf_addf(alter, "%s", *n ? ",\n\t" : "");
	if (!*n)
		pbt_buf_addf(alter, "ALTER TABLE %s\n\t", tbl);
	(*n)++;
}

static void emit_table(struct pbt_sql *s, const struct pbt_drift *d,
		       const struct pbt_drift_db *db, size_t ti, struct tfix *x)
{
	const struct pbt_ptable *t = x->t;
	const struct pbt_drift_live *live = &db->live[ti];
	struct pbt_buf *b = &s->tx;
	struct pbt_buf tbl = PBT_BUF_INIT, alter = PBT_BUF_INIT,
		       fp = PBT_BUF_INIT;
	size_t i, j, n_alter = 0, n_recreate = 0, n_add = 0;
	bool columns_change;

	pbt_sql_qualified(&tbl, t->schema, t->name);
	if (x->create) {
		pbt_ddl_schema(b, t->schema);
		pbt_ddl_table(s, t, d->opts.strict ? PBT_DDL_STRICT : 0);
		goto out;
	}
	for (i = 0; i < t->n_cols; i++) {
		n_recreate += x->col[i] == COL_RECREATE;
		n_add += x->col[i] == COL_ADD;
	}
	columns_change = n_recreate || n_add || x->n_drop_cols || x->rowid_add;
	if (t->view && columns_change)
		x->view_recreate = true;
	/*
	 * DROP VIEW takes the view's own triggers and rules with it: without
	 * --allow-drop, one we did not create blocks recreating the view, and
	 * with it everything that needs the view gone.
	 */
	if (x->view_recreate && x->view_has_extras && !d->opts.allow_drop) {
		pbt_sql_warn(
			s,
			"%s.%s: not repaired: view %s has triggers or rules "
			"pbtable did "
			"not create, and recreating it would drop them "
			"(--allow-drop does)",
			t->schema, t->name, t->view);
		x->view_recreate = false;
		for (i = 0; i < t->n_cols; i++)
			if (x->col[i] == COL_RECREATE)
				x->col[i] = COL_OK;
		x->n_drop_cols = 0;
		n_recreate = 0;
	}
	if (!x->n_fixed && !x->view_recreate)
		goto out;
	pbt_sql_comment(b, "%s: message %s", tbl.buf, t->message);
	for (i = 0; i < x->n_drop_trg; i++) {
		const struct pbt_drift_finding *f = x->drop_trg[i];

		pbt_buf_addf(b, "DROP %s ",
			     !strcmp(f->kind, "extra_rule") ? "RULE"
							    : "TRIGGER");
		pbt_sql_ident(b, f->object);
		pbt_buf_adds(b, " ON ");
		pbt_sql_qualified(b, t->schema, f->on_view ? t->view : t->name);
		pbt_buf_adds(b, ";\n");
	}
	if (x->view_recreate) {
		pbt_buf_adds(
			b,
			"-- The view is created again: grants on it are "
			"lost.\n");
		pbt_migrate_drop_view(b, t);
	}
	for (i = 0; i < x->n_drop_idx; i++) {
		pbt_buf_adds(b, "DROP INDEX ");
		pbt_sql_qualified(b, t->schema, x->drop_idx[i]);
		pbt_buf_adds(b, ";\n");
	}
	if (n_recreate || n_add)
		pbt_buf_addf(
			b,
			"-- ADD COLUMN ... GENERATED ALWAYS AS (...) STORED "
			"rewrites the table "
			"and its\n-- indexes under an ACCESS EXCLUSIVE lock "
			"(%zu column%s).\n",
			n_recreate + n_add, n_recreate + n_add == 1 ? "" : "s");
	for (i = 0; i < x->n_drop_cons; i++) {
		alter_item(&alter, tbl.buf, &n_alter);
		pbt_buf_adds(&alter, "DROP CONSTRAINT ");
		pbt_sql_ident(&alter, x->drop_cons[i]);
	}
	for (i = 0; i < t->n_cols; i++) {
		if (x->col[i] != COL_RECREATE)
			continue;
		alter_item(&alter, tbl.buf, &n_alter);
		pbt_buf_adds(&alter, "DROP COLUMN ");
		pbt_sql_ident(&alter, t->cols[i].name);
	}
	for (i = 0; i < x->n_drop_cols; i++) {
		alter_item(&alter, tbl.buf, &n_alter);
		pbt_buf_adds(&alter, "DROP COLUMN ");
		pbt_sql_ident(&alter, x->drop_cols[i]);
	}
	if (x->rowid_add) {
		alter_item(&alter, tbl.buf, &n_alter);
		pbt_buf_adds(&alter, "ADD COLUMN " PBT_ROWID_COLUMN
				     " bigint GENERATED ALWAYS AS IDENTITY");
	}
	for (i = 0; i < t->n_cols; i++) {
		if (x->col[i] == COL_OK)
			continue;
		alter_item(&alter, tbl.buf, &n_alter);
		pbt_buf_adds(&alter, "ADD COLUMN ");
		pbt_ddl_column_def(&alter, &t->cols[i]);
	}
	if (x->data_notnull) {
		alter_item(&alter, tbl.buf, &n_alter);
		pbt_buf_adds(&alter, "ALTER COLUMN data SET NOT NULL");
	}
	for (i = 0; i < x->n_nullability; i++) {
		bool pk = !strcmp(x->nullability[i], t->pk);

		alter_item(&alter, tbl.buf, &n_alter);
		pbt_buf_adds(&alter, "ALTER COLUMN ");
		pbt_sql_ident(&alter, x->nullability[i]);
		pbt_buf_adds(&alter, pk ? " SET NOT NULL" : " DROP NOT NULL");
	}
	for (i = 0; i < x->n_add_cons; i++) {
		alter_item(&alter, tbl.buf, &n_alter);
		con_clause(&alter, t, x->add_cons[i]);
	}
	/* a recreated column lost its --strict CHECK with it */
	for (i = 0; d->opts.strict && i < t->n_cols; i++) {
		struct pbt_buf n = PBT_BUF_INIT, e = PBT_BUF_INIT;
		bool listed = false;

		if (x->col[i] == COL_RECREATE &&
		    pbt_ddl_check(&n, &e, t, &t->cols[i])) {
			for (j = 0; j < x->n_add_cons && !listed; j++)
				listed = !strcmp(x->add_cons[j], n.buf);
			if (!listed) {
				alter_item(&alter, tbl.buf, &n_alter);
				con_clause(&alter, t, n.buf);
			}
		}
		pbt_buf_release(&n);
		pbt_buf_release(&e);
	}
	if (n_alter)
		pbt_buf_addf(b, "%s;\n", alter.buf);
	for (i = 0; i < x->n_validate_cons; i++) {
		pbt_buf_addf(b, "ALTER TABLE %s VALIDATE CONSTRAINT ", tbl.buf);
		pbt_sql_ident(b, x->validate_cons[i]);
		pbt_buf_adds(b, ";\n");
	}
	if (x->table_comment) {
		pbt_ddl_table_fingerprint(&fp, t, "table");
		pbt_buf_addf(b, "COMMENT ON TABLE %s IS ", tbl.buf);
		pbt_sql_literal(b, fp.buf);
		pbt_buf_adds(b, ";\n");
	}
	if (x->data_comment)
		comment_col(b, t, "data", "data");
	if (x->rowid_add || x->rowid_comment)
		comment_col(b, t, PBT_ROWID_COLUMN, "rowid");
	for (i = 0; i < t->n_cols; i++)
		if (x->col[i] != COL_OK || x->col_comment[i])
			pbt_ddl_column_comment(b, t, &t->cols[i]);
	/* indexes: the ones asked for, and those a dropped column took along */
	for (i = 0; i < t->n_indexes; i++) {
		const struct pbt_pgindex *ix = &t->indexes[i];

		for (j = 0; j < ix->n_columns; j++) {
			const struct pbt_pgcol *c =
				pbt_ptable_column(t, ix->columns[j]);

			if (c && x->col[col_index(t, c)] == COL_RECREATE)
				push_idx(&x->create_idx, &x->n_create_idx,
					 s->arena, t->n_indexes + 1, ix);
		}
	}
	for (i = 0; i < t->n_indexes; i++) {
		const struct pbt_pgindex *ix = &t->indexes[i];
		bool create = false, comment = false;

		for (j = 0; j < x->n_create_idx; j++)
			create |= x->create_idx[j] == ix;
		for (j = 0; j < x->n_comment_idx; j++)
			comment |= x->comment_idx[j] == ix;
		if (create) {
			pbt_ddl_index(b, t, ix, false);
			pbt_buf_adds(b, "\n");
		}
		if (create || comment)
			pbt_ddl_index_comment(b, t, ix);
	}
	if (x->view_recreate && t->view) {
		const struct pbt_pgcol **cols = pbt_arena_calloc(
			s->arena, t->n_cols + live->n_retired + 1,
			sizeof(*cols));
		size_t n = 0;

		for (i = 0; i < t->n_cols; i++)
			cols[n++] = &t->cols[i];
		/* retired columns stay, read-only, as migrate leaves them */
		for (i = 0; i < live->n_retired; i++) {
			struct pbt_pgcol *rc = pbt_arena_zalloc(s->arena,
								sizeof(*rc));

			rc->kind = PBT_COL_FIELD;
			rc->name = live->retired[i];
			cols[n++] = rc;
		}
		pbt_ddl_view(b, t, cols, n, false);
	} else if (x->view_comment) {
		pbt_buf_reset(&fp);
		pbt_ddl_table_fingerprint(&fp, t, "view");
		pbt_buf_adds(b, "COMMENT ON VIEW ");
		pbt_sql_qualified(b, t->schema, t->view);
		pbt_buf_adds(b, " IS ");
		pbt_sql_literal(b, fp.buf);
		pbt_buf_adds(b, ";\n");
	}
	pbt_buf_adds(b, "\n");
out:
	pbt_buf_release(&tbl);
	pbt_buf_release(&alter);
	pbt_buf_release(&fp);
}

struct pbt_sql *pbt_drift_fix_sql(const struct pbt_drift *d,
				  const struct pbt_drift_db *db)
{
	struct pbt_sql *s = pbt_sql_new(d->opts.lock_timeout);
	struct tfix *fixes = pbt_arena_calloc(s->arena, d->n_tables + 1,
					      sizeof(*fixes));
	pbt_helper_set helpers = 0;
	size_t i;

	for (i = 0; i < d->n_tables; i++) {
		const struct pbt_ptable *t = &d->tables[i];

		fixes[i].t = t;
		fixes[i].col = pbt_arena_calloc(s->arena, t->n_cols + 1,
						sizeof(*fixes[i].col));
		fixes[i].col_comment = pbt_arena_calloc(
			s->arena, t->n_cols + 1, sizeof(*fixes[i].col_comment));
	}
	for (i = 0; i < db->n; i++) {
		const struct pbt_drift_finding *f = &db->v[i];

		if (!f->t) {
			if (f->manual)
				keep(s, f,
				     "a helper never changes under its name; "
				     "drop it and the columns computed with "
				     "it, then run --fix again");
			else	/* missing, or its comment */
				helpers |= PBT_HBIT(f->helper);
			continue;
		}
		plan(s, d, &fixes[f->t - d->tables], f);
	}
	if (!db->n) {
		pbt_sql_comment(
			&s->head,
			"pbtable drift --fix: no drift in %s; nothing to do.",
			db->label);
		return s;
	}
	pbt_sql_comment(
		&s->head,
		"pbtable drift --fix: the repair of %s, generated from %s.",
		db->label, d->cfg.path);
	pbt_sql_comment(&s->head,
			"Review it, then run it once.  The drift it repairs:");
	pbt_drift_render_comments(d, (size_t)(db - d->dbs), &s->head);
	pbt_ddl_helpers(&s->tx, helpers);
	for (i = 0; i < d->n_tables; i++)
		emit_table(s, d, db, i, &fixes[i]);
	if (pbt_sql_tx_empty(s))
		pbt_sql_comment(
			&s->head,
			"Nothing to run: what is left needs --allow-drop, or a "
			"human (the warnings say which).");
	else
		pbt_buf_adds(&s->head, "\n");
	return s;
}
