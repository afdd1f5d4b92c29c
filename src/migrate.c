/*
 * `pbtable migrate NEW --against OLD`: resolve the pbtables against both
 * schema versions and emit only what the change needs.  New projected
 * fields become one ALTER TABLE ... ADD COLUMN per table (one rewrite), new
 * indexes are built CONCURRENTLY after the transaction, the view and its
 * write path are replaced in place.  Nothing is dropped without
 * --allow-drop: a column whose field is gone stays (marked retired), a
 * column whose expression changed stays as it is, with a warning.
 *
 * Before any of that, the breaking-change engine runs the WIRE_JSON rules:
 * if OLD -> NEW changes the JSON meaning of a projected field (renamed
 * json_name, changed type, ...), the documents already stored would read
 * differently, and migrate refuses.
 */
#include "migrate.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "compat.h"
#include "config.h"
#include "ddl.h"
#include "findings.h"
#include "pbt.h"
#include "rules.h"
#include "input.h"
#include "schema.h"
#include "sql_quote.h"

static bool has_subject(const struct pbt_pgcol *c, const char *s)
{
	size_t i;

	for (i = 0; i < c->n_subjects; i++)
		if (!strcmp(c->subjects[i], s))
			return true;
	return false;
}

static bool touches(const char *s, const struct pbt_ptable *old_t,
		    const struct pbt_ptable *new_t)
{
	size_t j;

	if (!s)
		return false;
	if (!strcmp(s, old_t->message))
		return true;
	for (j = 0; j < old_t->n_cols; j++)
		if (has_subject(&old_t->cols[j], s))
			return true;
	for (j = 0; j < new_t->n_cols; j++)
		if (pbt_ptable_column(old_t, new_t->cols[j].name) &&
		    has_subject(&new_t->cols[j], s))
			return true;
	return false;
}

long pbt_migrate_first_break(const struct pbt_findings *fs,
			     const struct pbt_ptable *old_t,
			     const struct pbt_ptable *new_t)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (touches(fs->v[i].subject, old_t, new_t))
			return (long)i;
	return -1;
}

static const struct pbt_ptable *find_table(const struct pbt_ptable *v, size_t n,
					   const struct pbt_ptable *t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].schema, t->schema) && !strcmp(v[i].name, t->name))
			return &v[i];
	return NULL;
}

static const struct pbt_pgindex *find_index(const struct pbt_ptable *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_indexes; i++)
		if (!strcmp(t->indexes[i].name, name))
			return &t->indexes[i];
	return NULL;
}

static bool same_index(const struct pbt_pgindex *a, const struct pbt_pgindex *b)
{
	size_t i;

	if (a->n_columns != b->n_columns || a->unique != b->unique || strcmp(a->method, b->method))
		return false;
	for (i = 0; i < a->n_columns; i++)
		if (strcmp(a->columns[i], b->columns[i]))
			return false;
	return true;
}

static bool same_column(const struct pbt_pgcol *a, const struct pbt_pgcol *b)
{
	return !strcmp(a->pgtype, b->pgtype) && !strcmp(a->expr, b->expr);
}

static void qualified_buf(struct pbt_buf *b, const struct pbt_ptable *t, const char *name)
{
	pbt_sql_qualified(b, t->schema, name);
}

/*
 * DROP VIEW plus its write path: the apply function first (its arguments
 * are of the view's row type, so the view cannot go while it exists), then
 * the view (its trigger goes with it), then the trigger function.
 */
void pbt_migrate_drop_view(struct pbt_buf *b, const struct pbt_ptable *t)
{
	struct pbt_buf v = PBT_BUF_INIT;

	qualified_buf(&v, t, t->view);
	pbt_buf_adds(b, "DROP FUNCTION IF EXISTS ");
	pbt_ddl_view_function(b, t, "apply");
	pbt_buf_addf(b, "(jsonb, %s, %s);\n", v.buf, v.buf);
	pbt_buf_addf(b, "DROP VIEW IF EXISTS %s;\n", v.buf);
	pbt_buf_adds(b, "DROP FUNCTION IF EXISTS ");
	pbt_ddl_view_function(b, t, "dml");
	pbt_buf_adds(b, "();\n");
	pbt_buf_release(&v);
}

static void drop_view(struct pbt_sql *s, const struct pbt_ptable *t)
{
	pbt_migrate_drop_view(&s->tx, t);
}

static void migrate_table(struct pbt_sql *s, const struct pbt_ptable *ot,
			  const struct pbt_ptable *nt, const struct pbt_migrate_opts *o)
{
	struct pbt_arena *a = s->arena;
	struct pbt_buf *b = &s->tx;
	struct pbt_buf tbl = PBT_BUF_INIT, alter = PBT_BUF_INIT, n = PBT_BUF_INIT, e = PBT_BUF_INIT;
	const struct pbt_pgcol **added, **dropped, **view_cols;
	size_t n_added = 0, n_dropped = 0, n_view = 0, n_retired = 0, i;
	bool recreate_view, replace_view, drop_old_view = false;

	qualified_buf(&tbl, nt, nt->name);
	added = pbt_arena_calloc(a, nt->n_cols + ot->n_cols + 1, sizeof(*added));
	dropped = pbt_arena_calloc(a, ot->n_cols + 1, sizeof(*dropped));
	view_cols = pbt_arena_calloc(a, nt->n_cols + ot->n_cols + 1, sizeof(*view_cols));

	for (i = 0; i < nt->n_cols; i++) {
		const struct pbt_pgcol *nc = &nt->cols[i];
		const struct pbt_pgcol *oc = pbt_ptable_column(ot, nc->name);

		if (!oc) {
			added[n_added++] = nc;
		} else if (!same_column(oc, nc)) {
			if (o->allow_drop && !strcmp(nc->name, nt->pk)) {
				/* dropping it would drop the primary key */
				pbt_sql_warn(s, "%s.%s: the expression of the primary key changed "
					     "(%s -> %s); kept as it is, even with --allow-drop",
					     tbl.buf, nc->name, oc->expr, nc->expr);
			} else if (o->allow_drop) {
				dropped[n_dropped++] = oc;
				added[n_added++] = nc;
			} else {
				pbt_sql_warn(s, "%s.%s: the expression changed (%s -> %s); the column "
					     "keeps the old one and its stored values; --allow-drop "
					     "recreates it (a table rewrite)",
					     tbl.buf, nc->name, oc->expr, nc->expr);
			}
		}
	}
	for (i = 0; i < ot->n_cols; i++) {
		const struct pbt_pgcol *oc = &ot->cols[i];

		if (pbt_ptable_column(nt, oc->name))
			continue;
		if (o->allow_drop) {
			dropped[n_dropped++] = oc;
		} else {
			n_retired++;
			pbt_sql_warn(s, "%s.%s: '%s' is no longer projected; the column is kept "
				     "(retired); --allow-drop drops it", tbl.buf, oc->name, oc->path);
		}
	}
	if (ot->view && (!nt->view || strcmp(ot->view, nt->view))) {
		if (o->allow_drop)
			drop_old_view = true;
		else
			pbt_sql_warn(s, "%s: view %s is no longer configured; kept (--allow-drop drops it)",
				     tbl.buf, ot->view);
	}
	/* A dropped column takes the view down first (views depend on columns). */
	recreate_view = nt->view && (n_dropped || !ot->view || strcmp(ot->view, nt->view));
	replace_view = nt->view && !recreate_view && (n_added || n_retired);

	if (!n_added && !n_dropped && !n_retired && !recreate_view && !replace_view &&
	    !drop_old_view)
		goto indexes;
	pbt_sql_comment(b, "%s: message %s", tbl.buf, nt->message);
	if (drop_old_view || (n_dropped && ot->view))
		drop_view(s, ot);
	if (n_dropped || n_added) {
		if (n_added)
			pbt_buf_addf(b, "-- ADD COLUMN ... GENERATED ALWAYS AS (...) STORED rewrites the whole\n"
				     "-- table and its indexes under an ACCESS EXCLUSIVE lock: reads and writes\n"
				     "-- wait until COMMIT (the design memo measured ~5 s per 370 MB).  New\n"
				     "-- columns: %zu, in one ALTER TABLE, so the table is rewritten once.\n",
				     n_added);
		pbt_buf_addf(&alter, "ALTER TABLE %s", tbl.buf);
		for (i = 0; i < n_dropped; i++) {
			pbt_buf_adds(&alter, i ? ",\n\tDROP COLUMN " : "\n\tDROP COLUMN ");
			pbt_sql_ident(&alter, dropped[i]->name);
		}
		for (i = 0; i < n_added; i++) {
			pbt_buf_adds(&alter, i || n_dropped ? ",\n\tADD COLUMN " : "\n\tADD COLUMN ");
			pbt_ddl_column_def(&alter, added[i]);
		}
		for (i = 0; o->strict && i < n_added; i++) {
			pbt_buf_reset(&n);
			pbt_buf_reset(&e);
			if (!pbt_ddl_check(&n, &e, nt, added[i]))
				continue;
			/* NOT VALID here, VALIDATE after: a bad old row then fails
			 * a cheap, named statement instead of the rewrite */
			pbt_buf_adds(&alter, ",\n\tADD CONSTRAINT ");
			pbt_sql_ident(&alter, n.buf);
			pbt_buf_addf(&alter, " CHECK (%s) NOT VALID", e.buf);
			{
				struct pbt_buf v = PBT_BUF_INIT;

				pbt_buf_addf(&v, "ALTER TABLE %s VALIDATE CONSTRAINT ", tbl.buf);
				pbt_sql_ident(&v, n.buf);
				pbt_buf_adds(&v, ";");
				pbt_sql_add_post(s, NULL, v.buf);
				pbt_buf_release(&v);
			}
		}
		pbt_buf_addf(b, "%s;\n", alter.buf);
	}
	for (i = 0; i < n_added; i++)
		pbt_ddl_column_comment(b, nt, added[i]);
	for (i = 0; i < ot->n_cols; i++) {
		if (!pbt_ptable_column(nt, ot->cols[i].name) && !o->allow_drop) {
			struct pbt_pgcol rc = ot->cols[i];

			rc.retired = true;
			pbt_ddl_column_comment(b, nt, &rc);
		}
	}
	if (recreate_view) {
		for (i = 0; i < nt->n_cols; i++)
			view_cols[n_view++] = &nt->cols[i];
		for (i = 0; i < ot->n_cols; i++) {
			if (!pbt_ptable_column(nt, ot->cols[i].name) && !o->allow_drop) {
				struct pbt_pgcol *rc = pbt_arena_alloc(a, sizeof(*rc));

				*rc = ot->cols[i];
				rc->wpre = NULL;	/* retired: read-only */
				view_cols[n_view++] = rc;
			}
		}
		pbt_ddl_view(b, nt, view_cols, n_view, false);
	} else if (replace_view) {
		/* CREATE OR REPLACE VIEW may only append: keep the old order */
		for (i = 0; i < ot->n_cols; i++) {
			const struct pbt_pgcol *nc = pbt_ptable_column(nt, ot->cols[i].name);

			if (nc) {
				view_cols[n_view++] = nc;
			} else {
				struct pbt_pgcol *rc = pbt_arena_alloc(a, sizeof(*rc));

				*rc = ot->cols[i];
				rc->wpre = NULL;
				view_cols[n_view++] = rc;
			}
		}
		for (i = 0; i < n_added; i++)
			view_cols[n_view++] = added[i];
		pbt_ddl_view(b, nt, view_cols, n_view, true);
	}
	pbt_buf_adds(b, "\n");
indexes:
	for (i = 0; i < nt->n_indexes; i++) {
		const struct pbt_pgindex *nix = &nt->indexes[i];
		const struct pbt_pgindex *oix = find_index(ot, nix->name);
		struct pbt_buf st = PBT_BUF_INIT;
		const char *note = NULL;

		if (oix && same_index(oix, nix) && !n_dropped)
			continue;
		if (oix && !same_index(oix, nix) && !o->allow_drop) {
			pbt_sql_warn(s, "%s: index %s changed; kept as it is (--allow-drop rebuilds it)",
				     tbl.buf, nix->name);
			continue;
		}
		if (oix && same_index(oix, nix)) {
			/* a dropped column may have taken it; rebuild only if so */
			size_t k, j;
			bool gone = false;

			for (k = 0; k < nix->n_columns; k++)
				for (j = 0; j < n_dropped; j++)
					gone |= !strcmp(nix->columns[k], dropped[j]->name);
			if (!gone)
				continue;
		} else if (oix) {
			pbt_buf_adds(&st, "DROP INDEX CONCURRENTLY IF EXISTS ");
			qualified_buf(&st, nt, nix->name);
			pbt_buf_adds(&st, ";");
			pbt_sql_add_post(s, NULL, st.buf);
			pbt_buf_reset(&st);
		}
		{
			struct pbt_buf nb = PBT_BUF_INIT;

			pbt_sql_comment(&nb, "%s: new index %s", tbl.buf, nix->name);
			pbt_buf_setlen(&nb, nb.len - 1);
			note = pbt_arena_strdup(a, nb.buf);
			pbt_buf_release(&nb);
		}
		pbt_ddl_index(&st, nt, nix, true);
		pbt_sql_add_post(s, note, st.buf);
		pbt_buf_reset(&st);
		pbt_ddl_index_comment(&st, nt, nix);
		pbt_buf_setlen(&st, st.len - 1);
		pbt_sql_add_post(s, NULL, st.buf);
		pbt_buf_release(&st);
	}
	for (i = 0; i < ot->n_indexes; i++) {
		const struct pbt_pgindex *oix = &ot->indexes[i];
		struct pbt_buf st = PBT_BUF_INIT;

		if (find_index(nt, oix->name))
			continue;
		if (!o->allow_drop) {
			pbt_sql_warn(s, "%s: index %s is no longer configured; kept (--allow-drop drops it)",
				     tbl.buf, oix->name);
			continue;
		}
		pbt_buf_adds(&st, "DROP INDEX CONCURRENTLY IF EXISTS ");
		qualified_buf(&st, nt, oix->name);
		pbt_buf_adds(&st, ";");
		pbt_sql_add_post(s, NULL, st.buf);
		pbt_buf_release(&st);
	}
	pbt_buf_release(&tbl);
	pbt_buf_release(&alter);
	pbt_buf_release(&n);
	pbt_buf_release(&e);
}

static void drop_table(struct pbt_sql *s, const struct pbt_ptable *ot)
{
	struct pbt_buf *b = &s->tx;

	pbt_sql_comment(b, "%s.%s: message %s is no longer configured (--allow-drop)",
			ot->schema, ot->name, ot->message);
	if (ot->view)
		drop_view(s, ot);
	pbt_buf_adds(b, "DROP TABLE ");
	qualified_buf(b, ot, ot->name);
	pbt_buf_adds(b, ";\n\n");
}

static int refuse(const struct pbt_findings *fs, long at, const struct pbt_ptable *t,
		  size_t n_breaks, struct pbt_err *err)
{
	const struct pbt_finding *f = &fs->v[at];
	struct pbt_loc loc = { f->path, f->span.start_line, f->span.start_col };

	pbt_errf(err, PBT_EREFUSED, f->path ? &loc : NULL,
		 "refusing to migrate %s.%s: %s (%s breaks WIRE_JSON)",
		 t->schema, t->name, f->message, f->rule);
	pbt_err_detail(err, "stored JSON would change meaning%s; change the schema compatibly, "
		       "or migrate the data by hand",
		       n_breaks > 1 ? " (more findings: run `pbtable breaking` with WIRE_JSON)" : "");
	return -PBT_EREFUSED;
}

int pbt_migrate(const char *new_path, const char *old_path,
		const struct pbt_migrate_opts *o, struct pbt_sql **out,
		struct pbt_err *err)
{
	struct pbt_ddl_config cfg_new, cfg_old_own, *cfg_old = &cfg_new;
	struct pbt_schema *sn = NULL, *so = NULL;
	struct pbt_ptable *nts, *ots;
	struct pbt_findings fs;
	bool enabled[PBT_MAX_RULES] = { false };
	struct pbt_sql *s = NULL;
	pbt_helper_set new_helpers = 0;
	size_t helpers_end;
	const char *prev_schema = NULL;
	size_t i, n_old;
	int r;

	*out = NULL;
	memset(&cfg_old_own, 0, sizeof(cfg_old_own));
	pbt_findings_init(&fs);
	if (o->lock_timeout && !pbt_lock_timeout_valid(o->lock_timeout)) {
		r = pbt_errf(err, PBT_EUSAGE, NULL,
			     "bad lock timeout '%s' (want e.g. 500ms, 5s, 1min)", o->lock_timeout);
		memset(&cfg_new, 0, sizeof(cfg_new));
		goto out;
	}
	r = pbt_ddl_config_load(&cfg_new, o->config, err);
	if (r)
		goto out;
	if (o->against_config) {
		r = pbt_ddl_config_load(&cfg_old_own, o->against_config, err);
		if (r)
			goto out;
		cfg_old = &cfg_old_own;
	}
	sn = pbt_input_schema(new_path, &o->src, o->config, NULL, true, err);
	if (!sn) {
		r = -(int)err->code;
		goto out;
	}
	so = pbt_input_schema(old_path, &o->src, o->config, new_path, false, err);
	if (!so) {
		r = -(int)err->code;
		goto out;
	}
	s = pbt_sql_new(o->lock_timeout);
	nts = pbt_arena_calloc(s->arena, cfg_new.n_tables, sizeof(*nts));
	ots = pbt_arena_calloc(s->arena, cfg_old->n_tables, sizeof(*ots));
	for (i = 0; i < cfg_new.n_tables; i++) {
		r = pbt_ptable_resolve(s->arena, sn, &cfg_new.tables[i], 0, &nts[i], err);
		if (r)
			goto out;
		new_helpers |= nts[i].helpers;
	}
	n_old = 0;
	for (i = 0; i < cfg_old->n_tables; i++) {
		r = pbt_ptable_resolve(s->arena, so, &cfg_old->tables[i], PBT_RESOLVE_LENIENT,
				       &ots[n_old], err);
		if (r)
			goto out;
		if (ots[n_old].absent)
			continue;
		n_old++;
	}

	/* The safety check: WIRE_JSON, as buf v1 defines the category. */
	for (i = 0; i < pbt_n_rules && i < PBT_MAX_RULES; i++)
		enabled[i] = pbt_rules[i].check &&
			     (pbt_rules[i].cats[PBT_V1] & PBT_CAT_WIRE_JSON);
	pbt_compat_run(so, sn, enabled, &fs);
	pbt_findings_sort_unique(&fs);
	for (i = 0; i < cfg_new.n_tables; i++) {
		const struct pbt_ptable *ot = find_table(ots, n_old, &nts[i]);
		long at;
		size_t k, n_breaks = 0;

		if (!ot)
			continue;
		at = pbt_migrate_first_break(&fs, ot, &nts[i]);
		if (at < 0)
			continue;
		for (k = 0; k < fs.n; k++)
			n_breaks += touches(fs.v[k].subject, ot, &nts[i]);
		r = refuse(&fs, at, &nts[i], n_breaks, err);
		goto out;
	}
	for (i = 0; i < cfg_new.n_tables; i++) {
		const struct pbt_ptable *ot = find_table(ots, n_old, &nts[i]);

		if (ot && strcmp(ot->pk, nts[i].pk)) {
			r = pbt_errf(err, PBT_EREFUSED, &nts[i].cfg->loc,
				     "refusing to migrate %s.%s: the primary key changes from '%s' to '%s'",
				     nts[i].schema, nts[i].name, ot->pk, nts[i].pk);
			pbt_err_detail(err, "migrate does not rebuild primary keys; do it by hand");
			goto out;
		}
	}

	pbt_ptables_sort(nts, cfg_new.n_tables);
	/*
	 * Every helper NEW's tables use, not only those OLD's did not: a
	 * database made by an older pbtable has the helpers of its day
	 * (int64_v1), not this one's.  CREATE OR REPLACE under the body
	 * guard makes the ones it has a no-op.
	 */
	pbt_ddl_helpers(&s->tx, new_helpers);
	helpers_end = s->tx.len;
	for (i = 0; i < cfg_new.n_tables; i++) {
		const struct pbt_ptable *nt = &nts[i], *ot = find_table(ots, n_old, nt);

		if (!ot) {
			if (!prev_schema || strcmp(prev_schema, nt->schema)) {
				pbt_ddl_schema(&s->tx, nt->schema);
				prev_schema = nt->schema;
			}
			pbt_ddl_table(s, nt, o->strict ? PBT_DDL_STRICT : 0);
			continue;
		}
		migrate_table(s, ot, nt, o);
	}
	for (i = 0; i < n_old; i++) {
		if (find_table(nts, cfg_new.n_tables, &ots[i]))
			continue;
		if (o->allow_drop)
			drop_table(s, &ots[i]);
		else
			pbt_sql_warn(s, "%s.%s: message %s is no longer configured; table kept "
				     "(--allow-drop drops it)", ots[i].schema, ots[i].name,
				     ots[i].message);
	}
	if (s->tx.len == helpers_end && !s->n_post)
		pbt_buf_setlen(&s->tx, 0);	/* helpers alone: nothing to do */
	if (!s->tx.len && !s->n_post) {
		pbt_buf_addf(&s->head, "-- pbtable migrate: nothing to do.\n");
	} else {
		pbt_sql_comment(&s->head, "pbtable migrate: what the pbtables of %s need after the",
				cfg_new.path);
		pbt_sql_comment(&s->head, "schema change.  Generated; review it, then run it once.");
		pbt_buf_adds(&s->head, "\n");
	}
	r = pbt_sql_check_utf8(s, new_path, err);
	if (r)
		goto out;
	*out = s;
	s = NULL;
	r = 0;
out:
	pbt_sql_free(s);
	pbt_findings_release(&fs);
	pbt_schema_free(sn);
	pbt_schema_free(so);
	pbt_ddl_config_release(&cfg_new);
	if (cfg_old == &cfg_old_own)
		pbt_ddl_config_release(&cfg_old_own);
	return r;
}
