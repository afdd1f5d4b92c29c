/*
 * `pbtable drift`: compare what a live database holds with what `pbtable
 * ddl` would create for a schema and config, and name each difference
 * (a drift kind from the table below, with its table and column).
 *
 * The expected side is ddl.c's model (pbt_ptable_resolve()), so drift and
 * ddl can never disagree about what a pbtable is.  The live side is read
 * by pgcat.c, read-only, in a fixed number of queries.  Everything is
 * compared on catalog facts (format_type, attgenerated, index keys,
 * constraint columns, trigger bits, SHA-256 of function bodies computed by
 * the server) and on the fingerprint comments ddl writes; generation and
 * CHECK expressions, which PostgreSQL rewrites when it stores them, are
 * compared through pgexpr.c's prediction of that rewriting, and where the
 * prediction does not match, by the server itself (pbt_pgcat_compare()),
 * so a mismatch is only reported when the server agrees it is one.  No
 * temporary objects are built: the same path works on a hot standby.
 *
 * The repair is drift_fix.c's; the formats are drift_report.c's.
 */
#include "drift.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ddl_helpers.h"
#include "fingerprint.h"
#include "pgcat.h"
#include "pgexpr.h"
#include "script.h"
#include "input.h"
#include "schema.h"
#include "sha256.h"
#include "sql_quote.h"

const struct pbt_drift_kind_info pbt_drift_kinds[PBT_N_DRIFT_KINDS] = {
#define KIND(e, id, severity, repair, about)                           \
	[PBT_DRIFT_##e] = { id, PBT_SEV_##severity, PBT_REPAIR_##repair, \
			    about },
	PBT_FOREACH_DRIFT_KIND(KIND)
#undef KIND
};

int pbt_drift_kind_find(const char *id)
{
	int i;

	for (i = 0; i < PBT_N_DRIFT_KINDS; i++)
		if (!strcmp(pbt_drift_kinds[i].id, id))
			return i;
	return -1;
}

/* The INSTEAD OF trigger's bits: ROW | INSERT | DELETE | UPDATE | INSTEAD. */
#define VIEW_TRIGGER_TYPE (1 | 4 | 8 | 16 | 64)

/* ---------------------------------------------------------------- setup */

int pbt_drift_new(const char *set_path, const struct pbt_drift_opts *o,
		  struct pbt_drift **out, struct pbt_err *err)
{
	struct pbt_drift *d = pbt_xcalloc(1, sizeof(*d));
	int r;

	*out = NULL;
	d->arena = pbt_arena_new();
	d->opts = *o;
	r = pbt_timeout_check("statement timeout", o->statement_timeout,
			      "30s", err);
	if (!r)
		r = pbt_timeout_check("lock timeout", o->lock_timeout, "5s",
				      err);
	if (r)
		goto fail;
	if (o->connect_timeout) {
		const char *p = o->connect_timeout;

		while (*p >= '0' && *p <= '9')
			p++;
		if (p == o->connect_timeout || *p ||
		    p - o->connect_timeout > 6) {
			r = pbt_errf(
				err, PBT_EUSAGE, NULL,
				"bad connect timeout '%s' (want whole seconds, "
				"e.g. 10)",
				o->connect_timeout);
			goto fail;
		}
	}
	r = pbt_ddl_config_load(&d->cfg, o->config, err);
	if (r)
		goto fail;
	d->schema = pbt_input_schema(set_path, &o->src, o->config, NULL, true, err);
	if (!d->schema) {
		r = -(int)err->code;
		goto fail;
	}
	r = pbt_ptables_resolve(d->arena, d->schema, &d->cfg, 0, o->table,
				&d->tables, &d->n_tables, &d->helpers, err);
	if (r)
		goto fail;
	*out = d;
	return 0;
fail:
	pbt_drift_free(d);
	return r;
}

void pbt_drift_free(struct pbt_drift *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n_dbs; i++) {
		free(d->dbs[i].v);
		pbt_sql_free(d->dbs[i].fix);
	}
	free(d->dbs);
	pbt_schema_free(d->schema);
	if (d->cfg.arena)
		pbt_ddl_config_release(&d->cfg);
	pbt_arena_free(d->arena);
	free(d);
}

/* ---------------------------------------------------------------- check */

struct ck {
	struct pbt_drift *d;
	struct pbt_drift_db *db;
	struct pbt_arena *a;
	struct pbt_pgcat cat;
	struct pbt_pgcat_cmp *cmps;
	size_t n_cmps, cap_cmps;
};

static struct pbt_diff *add(struct ck *k, enum pbt_drift_kind kind,
			    const struct pbt_ptable *t, const char *column,
			    const char *object, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static struct pbt_diff *add(struct ck *k, enum pbt_drift_kind kind,
			    const struct pbt_ptable *t, const char *column,
			    const char *object, const char *fmt, ...)
{
	struct pbt_drift_db *db = k->db;
	struct pbt_diff *f;
	va_list ap;

	if (db->n == db->cap) {
		db->cap = db->cap ? 2 * db->cap : 16;
		db->v = pbt_xrealloc(db->v, db->cap * sizeof(*db->v));
	}
	f = &db->v[db->n++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->t = t;
	f->schema = t ? t->schema : PBT_HELPER_SCHEMA;
	f->table = t ? t->name : NULL;
	f->column = column ? pbt_arena_strdup(k->a, column) : NULL;
	f->object = object ? pbt_arena_strdup(k->a, object) : NULL;
	f->helper = PBT_H_NONE;
	f->cmp = -1;
	if (t)
		f->loc = t->cfg->loc;
	else
		f->loc = (struct pbt_loc){ k->d->cfg.path, 0, 0 };
	va_start(ap, fmt);
	f->message = pbt_arena_vprintf(k->a, fmt, ap);
	va_end(ap);
	return f;
}

/* A finding no statement can safely repair: a warning of --fix. */
static void by_hand(struct pbt_diff *f)
{
	f->manual = true;
}

static long add_cmp(struct ck *k, const struct pbt_pgcat_rel *rel,
		    const char *want, const char *live)
{
	if (k->n_cmps == k->cap_cmps) {
		k->cap_cmps = k->cap_cmps ? 2 * k->cap_cmps : 16;
		k->cmps = pbt_xrealloc(k->cmps, k->cap_cmps * sizeof(*k->cmps));
	}
	memset(&k->cmps[k->n_cmps], 0, sizeof(k->cmps[0]));
	k->cmps[k->n_cmps].rel = rel;
	k->cmps[k->n_cmps].want = want;
	k->cmps[k->n_cmps].live = live;
	return (long)k->n_cmps++;
}

/*
 * Does the expression need the server's verdict?  Not when the predicted
 * deparse of want is exactly the live text; a mismatch is never drift on
 * its own (the prediction may not know a server version's spelling).
 */
static bool ask_server(struct ck *k, const char *want, const char *live)
{
	const char *p = pbt_pgexpr_deparse(k->a, want);

	return !p || strcmp(p, pbt_pgexpr_squeeze(k->a, live));
}

/*
 * How the live comment differs from the fingerprint we would write, as
 * "field=3 (want 2), type=int32 (want int64)"; NULL if it does not.
 * Keys we do not write are ignored (fingerprint.h), except state=retired.
 */
static const char *fp_diff(struct ck *k, const char *live,
			   const struct pbt_buf *want)
{
	struct pbt_fingerprint fw, fl;
	struct pbt_buf d = PBT_BUF_INIT;
	struct pbt_err e;
	const char *out = NULL, *st;
	size_t i;

	if (pbt_fingerprint_parse(k->a, want->buf, &fw, &e))
		PBT_BUG("our own fingerprint does not parse: %s", e.msg);
	if (!live)
		return "no pbtable comment";
	if (pbt_fingerprint_parse(k->a, live, &fl, &e))
		return pbt_arena_printf(
			k->a, "the comment is not a pbtable fingerprint (%s)",
			e.msg);
	for (i = 0; i < fw.n_pairs; i++) {
		const char *lv = pbt_fingerprint_get(&fl, fw.pairs[i].key);

		if (lv && !strcmp(lv, fw.pairs[i].value))
			continue;
		if (d.len)
			pbt_buf_adds(&d, ", ");
		if (lv)
			pbt_buf_addf(&d, "%s=%s (want %s)", fw.pairs[i].key, lv,
				     fw.pairs[i].value);
		else
			pbt_buf_addf(&d, "no %s (want %s)", fw.pairs[i].key,
				     fw.pairs[i].value);
	}
	st = pbt_fingerprint_get(&fl, "state");
	if (st && !pbt_fingerprint_get(&fw, "state"))
		pbt_buf_addf(&d, "%sstate=%s", d.len ? ", " : "", st);
	if (d.len)
		out = pbt_arena_strdup(k->a, d.buf);
	pbt_buf_release(&d);
	return out;
}

static bool is_retired(struct ck *k, const struct pbt_pgcat_col *c)
{
	struct pbt_fingerprint fp;
	struct pbt_err e;
	const char *st;

	if (!c->comment || pbt_fingerprint_parse(k->a, c->comment, &fp, &e))
		return false;
	st = pbt_fingerprint_get(&fp, "state");
	return st && !strcmp(st, "retired");
}

static const char *ident(struct ck *k, const char *name)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *s;

	pbt_sql_ident(&b, name);
	s = pbt_arena_strdup(k->a, b.buf);
	pbt_buf_release(&b);
	return s;
}

static const char *derived(struct ck *k, const char *a, const char *b,
			   const char *c)
{
	const char *parts[3] = { a, b, c };
	struct pbt_buf n = PBT_BUF_INIT;
	const char *s;

	pbt_sql_derived_name(&n, parts, c ? 3 : 2);
	s = pbt_arena_strdup(k->a, n.buf);
	pbt_buf_release(&n);
	return s;
}

const char *pbt_drift_view_fn(struct pbt_arena *a, const struct pbt_ptable *t,
			      const char *role)
{
	const char *parts[2] = { t->view, role };
	struct pbt_buf n = PBT_BUF_INIT;
	const char *s;

	pbt_sql_derived_name(&n, parts, 2);
	s = pbt_arena_strdup(a, n.buf);
	pbt_buf_release(&n);
	return s;
}

static const char *relkind_name(char kind)
{
	switch (kind) {
	case 'r': return "table";
	case 'p': return "partitioned table";
	case 'v': return "view";
	case 'm': return "materialized view";
	case 'f': return "foreign table";
	case 'i':
	case 'I': return "index";
	case 'S': return "sequence";
	case 'c': return "composite type";
	default: return "relation";
	}
}

/* ---------------------------------------------------------------- columns */

static void check_column(struct ck *k, const struct pbt_ptable *t,
			 const struct pbt_pgcat_rel *r,
			 const struct pbt_pgcol *c)
{
	const struct pbt_pgcat_col *l = pbt_pgcat_col(r, c->name);
	struct pbt_buf fp = PBT_BUF_INIT;
	struct pbt_diff *f;
	bool want_notnull = !strcmp(c->name, t->pk);
	const char *diff;

	if (!l) {
		f = add(k, PBT_DRIFT_MISSING_COLUMN, t, c->name, NULL,
			"column %s is missing", c->name);
		f->col = c;
		return;
	}
	if (strcmp(l->type, c->pgtype)) {
		f = add(k, PBT_DRIFT_WRONG_TYPE, t, c->name, NULL,
			"column %s is %s, want %s", c->name, l->type,
			c->pgtype);
		f->col = c;
	}
	if (l->generated != 's') {
		f = add(k, PBT_DRIFT_NOT_GENERATED, t, c->name, NULL,
			"column %s is a plain column%s, want GENERATED ALWAYS "
			"AS (%s) STORED",
			c->name, l->expr ? " with a default" : "", c->expr);
		f->col = c;
	} else if (ask_server(k, c->expr, l->expr)) {
		f = add(k, PBT_DRIFT_WRONG_EXPRESSION, t, c->name, NULL,
			"column %s is generated as %s, want %s", c->name,
			pbt_pgexpr_squeeze(k->a, l->expr), c->expr);
		f->col = c;
		f->cmp = add_cmp(k, r, c->expr, l->expr);
	}
	if (l->notnull != want_notnull) {
		f = add(k, PBT_DRIFT_WRONG_NULLABILITY, t, c->name, NULL,
			"column %s is %s, want %s", c->name,
			l->notnull ? "NOT NULL" : "nullable",
			want_notnull ? "NOT NULL" : "nullable");
		f->col = c;
	}
	pbt_ddl_column_fingerprint(&fp, t, c);
	diff = fp_diff(k, l->comment, &fp);
	if (diff) {
		f = add(k, PBT_DRIFT_FINGERPRINT_MISMATCH, t, c->name, NULL,
			"column %s: %s", c->name, diff);
		f->col = c;
	}
	pbt_buf_release(&fp);
}

/* data, pbt_rowid: the columns every pbtable has that no field maps to. */
static void check_fixed_columns(struct ck *k, const struct pbt_ptable *t,
				const struct pbt_pgcat_rel *r)
{
	const struct pbt_pgcat_col *l = pbt_pgcat_col(r, "data");
	struct pbt_buf fp = PBT_BUF_INIT;
	const char *diff;

	if (!l) {
		by_hand(add(k, PBT_DRIFT_MISSING_COLUMN, t, "data", NULL,
			    "column data is missing"));
	} else {
		if (strcmp(l->type, "jsonb"))
			by_hand(add(k, PBT_DRIFT_DATA_NOT_JSONB, t, "data",
				    NULL, "column data is %s, want jsonb",
				    l->type));
		if (l->generated || l->identity)
			by_hand(add(k, PBT_DRIFT_WRONG_EXPRESSION, t, "data",
				    NULL,
				    "column data is generated, want a plain "
				    "jsonb column"));
		if (!l->notnull)
			add(k, PBT_DRIFT_WRONG_NULLABILITY, t, "data", NULL,
			    "column data is nullable, want NOT NULL");
		pbt_ddl_table_fingerprint(&fp, t, "data");
		diff = fp_diff(k, l->comment, &fp);
		if (diff)
			add(k, PBT_DRIFT_FINGERPRINT_MISMATCH, t, "data", NULL,
			    "column data: %s", diff);
	}
	if (!t->rowid)
		goto out;
	l = pbt_pgcat_col(r, PBT_ROWID_COLUMN);
	if (!l) {
		add(k, PBT_DRIFT_MISSING_COLUMN, t, PBT_ROWID_COLUMN, NULL,
		    "column %s is missing", PBT_ROWID_COLUMN);
		goto out;
	}
	if (strcmp(l->type, "bigint"))
		by_hand(add(k, PBT_DRIFT_WRONG_TYPE, t, PBT_ROWID_COLUMN, NULL,
			    "column %s is %s, want bigint", PBT_ROWID_COLUMN,
			    l->type));
	if (l->identity != 'a')
		by_hand(add(k, PBT_DRIFT_NOT_GENERATED, t, PBT_ROWID_COLUMN,
			    NULL,
			    "column %s is not GENERATED ALWAYS AS IDENTITY",
			    PBT_ROWID_COLUMN));
	pbt_buf_reset(&fp);
	pbt_ddl_table_fingerprint(&fp, t, "rowid");
	diff = fp_diff(k, l->comment, &fp);
	if (diff)
		add(k, PBT_DRIFT_FINGERPRINT_MISMATCH, t, PBT_ROWID_COLUMN,
		    NULL, "column %s: %s", PBT_ROWID_COLUMN, diff);
out:
	pbt_buf_release(&fp);
}

static void check_extra_columns(struct ck *k, const struct pbt_ptable *t,
				const struct pbt_pgcat_rel *r,
				struct pbt_drift_live *live)
{
	size_t i;

	live->retired = pbt_arena_calloc(k->a, r->n_cols + 1,
					 sizeof(*live->retired));
	for (i = 0; i < r->n_cols; i++) {
		const struct pbt_pgcat_col *l = &r->cols[i];

		if (!strcmp(l->name, "data") || pbt_ptable_column(t, l->name) ||
		    (t->rowid && !strcmp(l->name, PBT_ROWID_COLUMN)))
			continue;
		/* migrate keeps a column whose field is gone, marked retired */
		if (is_retired(k, l)) {
			live->retired[live->n_retired++] = l->name;
			continue;
		}
		add(k, PBT_DRIFT_EXTRA_COLUMN, t, l->name, NULL,
		    "column %s (%s%s) is not a column of %s", l->name, l->type,
		    l->generated == 's' ? ", generated" : "", t->message);
	}
}

/* ---------------------------------------------------------- constraints */

struct want_con {
	const char *name;
	char type;
	const char *columns; /* 'p' */
	const char *expr;    /* 'c': as ddl.c writes it */
	const char *needs;   /* 'c': a column it reads besides data, or NULL */
	bool optional; /* a --strict CHECK when drift runs without --strict */
};

/*
 * A constraint as pg_get_constraintdef() prints it; primary keys are not
 * read with it (pgcat.c), and print the same from their columns.
 */
static const char *con_desc(struct ck *k, const struct pbt_pgcat_con *l)
{
	if (l->def)
		return l->def;
	return pbt_arena_printf(k->a, "PRIMARY KEY (%s)", l->columns);
}

/* The expression of pg_get_constraintdef()'s "CHECK (...) [NOT VALID]". */
static const char *check_body(struct ck *k, const char *def)
{
	size_t n;

	if (!def)
		return NULL;
	n = strlen(def);

	if (n > 10 && !strcmp(def + n - 10, " NOT VALID"))
		n -= 10;
	if (n < 9 || strncmp(def, "CHECK (", 7) || def[n - 1] != ')')
		return NULL;
	return pbt_arena_strndup(k->a, def + 7, n - 8);
}

static void check_constraints(struct ck *k, const struct pbt_ptable *t,
			      const struct pbt_pgcat_rel *r)
{
	struct want_con *w = pbt_arena_calloc(k->a, t->n_cols + 3, sizeof(*w));
	struct pbt_buf n = PBT_BUF_INIT, e = PBT_BUF_INIT;
	size_t nw = 0, i, j;

	w[nw].name = derived(k, t->name, "pkey", NULL);
	w[nw].type = 'p';
	w[nw++].columns = ident(k, t->pk);
	w[nw].name = derived(k, t->name, "data", "check");
	w[nw].type = 'c';
	w[nw++].expr = "jsonb_typeof(data) = 'object'";
	for (i = 0; i < t->n_cols; i++) {
		pbt_buf_reset(&n);
		pbt_buf_reset(&e);
		if (!pbt_ddl_check(&n, &e, t, &t->cols[i]))
			continue;
		w[nw].name = pbt_arena_strdup(k->a, n.buf);
		w[nw].type = 'c';
		w[nw].expr = pbt_arena_strdup(k->a, e.buf);
		w[nw].needs = t->cols[i].name;
		w[nw++].optional = !k->d->opts.strict;
	}
	for (i = 0; i < nw; i++) {
		const struct pbt_pgcat_con *l = pbt_pgcat_con(r, w[i].name);
		struct pbt_diff *f;
		const char *body;

		if (!l) {
			if (!w[i].optional)
				add(k, PBT_DRIFT_MISSING_CONSTRAINT, t, NULL,
				    w[i].name, "constraint %s is missing",
				    w[i].name);
			continue;
		}
		if (l->type != w[i].type) {
			add(k, PBT_DRIFT_CONSTRAINT_CHANGED, t, NULL, w[i].name,
			    "constraint %s is %s, want %s", w[i].name,
			    con_desc(k, l),
			    w[i].type == 'p' ? "the primary key" : "a CHECK");
			continue;
		}
		if (w[i].type == 'p' && strcmp(l->columns, w[i].columns)) {
			add(k, PBT_DRIFT_CONSTRAINT_CHANGED, t, NULL, w[i].name,
			    "constraint %s is %s, want PRIMARY KEY (%s)",
			    w[i].name, con_desc(k, l), w[i].columns);
			continue;
		}
		if (w[i].type == 'c') {
			body = check_body(k, l->def);
			if (!body ||
			    (w[i].needs && !pbt_pgcat_col(r, w[i].needs))) {
				add(k, PBT_DRIFT_CONSTRAINT_CHANGED, t, NULL,
				    w[i].name,
				    "constraint %s is %s, want CHECK (%s)",
				    w[i].name, con_desc(k, l), w[i].expr);
				continue;
			}
			if (ask_server(k, w[i].expr, body)) {
				f = add(k, PBT_DRIFT_CONSTRAINT_CHANGED, t,
					NULL, w[i].name,
					"constraint %s is %s, want CHECK (%s)",
					w[i].name, con_desc(k, l), w[i].expr);
				f->cmp = add_cmp(k, r, w[i].expr, body);
				continue;
			}
		}
		if (!l->validated)
			add(k, PBT_DRIFT_CONSTRAINT_NOT_VALID, t, NULL,
			    w[i].name,
			    "constraint %s is NOT VALID: existing rows were "
			    "never checked",
			    w[i].name);
	}
	for (i = 0; i < r->n_cons; i++) {
		bool known = false;

		for (j = 0; j < nw && !known; j++)
			known = !strcmp(r->cons[i].name, w[j].name);
		if (!known)
			add(k, PBT_DRIFT_EXTRA_CONSTRAINT, t, NULL,
			    r->cons[i].name,
			    "constraint %s (%s) is not "
			    "one pbtable creates",
			    r->cons[i].name, con_desc(k, &r->cons[i]));
	}
	pbt_buf_release(&n);
	pbt_buf_release(&e);
}

/* ---------------------------------------------------------------- indexes */

/*
 * "unique btree on a, b": from catalog facts, not pg_get_indexdef(), which
 * costs more than the rest of the index query (it opens each index).
 */
static const char *index_desc(struct ck *k, const struct pbt_pgcat_index *l)
{
	return pbt_arena_printf(
		k->a, "%s%s on %s%s", l->unique ? "unique " : "", l->method,
		*l->columns ? l->columns : "expressions",
		l->plain ? ""
			 : " with expressions, a predicate, INCLUDE "
			   "columns, or non-default operator classes "
			   "or order");
}

static void check_indexes(struct ck *k, const struct pbt_ptable *t,
			  const struct pbt_pgcat_rel *r)
{
	struct pbt_buf cols = PBT_BUF_INIT, fp = PBT_BUF_INIT;
	size_t i, j;

	for (i = 0; i < t->n_indexes; i++) {
		const struct pbt_pgindex *ix = &t->indexes[i];
		const struct pbt_pgcat_index *l = pbt_pgcat_index(r, ix->name);
		const char *diff;

		pbt_buf_reset(&cols);
		for (j = 0; j < ix->n_columns; j++) {
			if (j)
				pbt_buf_adds(&cols, ", ");
			pbt_sql_ident(&cols, ix->columns[j]);
		}
		if (!l) {
			add(k, PBT_DRIFT_MISSING_INDEX, t, NULL, ix->name,
			    "index %s (%s%s on %s) is missing", ix->name,
			    ix->unique ? "unique " : "", ix->method, cols.buf);
			continue;
		}
		if (strcmp(l->method, ix->method) || l->unique != ix->unique ||
		    !l->plain || strcmp(l->columns, cols.buf)) {
			add(k, PBT_DRIFT_INDEX_CHANGED, t, NULL, ix->name,
			    "index %s is %s, want %s%s on %s", ix->name,
			    index_desc(k, l), ix->unique ? "unique " : "",
			    ix->method, cols.buf);
			continue;
		}
		if (!l->valid)
			add(k, PBT_DRIFT_INDEX_INVALID, t, NULL, ix->name,
			    "index %s is invalid (a failed concurrent build); "
			    "queries do not use it",
			    ix->name);
		pbt_buf_reset(&fp);
		pbt_ddl_index_fingerprint(&fp, t, ix);
		diff = fp_diff(k, l->comment, &fp);
		if (diff)
			add(k, PBT_DRIFT_FINGERPRINT_MISMATCH, t, NULL,
			    ix->name, "index %s: %s", ix->name, diff);
	}
	for (i = 0; i < r->n_indexes; i++) {
		const struct pbt_pgcat_index *l = &r->indexes[i];
		bool known = pbt_pgcat_con(r, l->name) !=
			     NULL; /* a constraint's own */

		for (j = 0; j < t->n_indexes && !known; j++)
			known = !strcmp(t->indexes[j].name, l->name);
		if (!known)
			add(k, PBT_DRIFT_EXTRA_INDEX, t, NULL, l->name,
			    "index %s (%s) is not in the config", l->name,
			    index_desc(k, l));
	}
	pbt_buf_release(&cols);
	pbt_buf_release(&fp);
}

/* ---------------------------------------------------------------- view */

static void check_triggers_rules(struct ck *k, const struct pbt_ptable *t,
				 const struct pbt_pgcat_rel *r,
				 const char *expected, bool on_view)
{
	const char *what = on_view ? "view" : "table";
	struct pbt_diff *f;
	size_t i;

	for (i = 0; i < r->n_triggers; i++) {
		if (expected && !strcmp(r->triggers[i].name, expected))
			continue;
		f = add(k, PBT_DRIFT_EXTRA_TRIGGER, t, NULL,
			r->triggers[i].name,
			"trigger %s on the %s (calling %s.%s) is not one "
			"pbtable creates",
			r->triggers[i].name, what, r->triggers[i].fn_schema,
			r->triggers[i].fn_name);
		f->on_view = on_view;
	}
	for (i = 0; i < r->n_rules; i++) {
		f = add(k, PBT_DRIFT_EXTRA_RULE, t, NULL, r->rules[i],
			"rule %s on the %s is not one "
			"pbtable creates (it rewrites queries on it)",
			r->rules[i], what);
		f->on_view = on_view;
	}
}

/* The function named name among fns with argument types args, or NULL. */
static const struct pbt_pgcat_func *func_with(const struct pbt_pgcat_func *fns,
					      const char *args)
{
	for (; fns; fns = fns->next)
		if (fns->argtypes && !strcmp(fns->argtypes, args))
			return fns;
	return NULL;
}

static void check_function(struct ck *k, const struct pbt_ptable *t,
			   const struct pbt_pgcat_func *fns, const char *role,
			   const char *args, const struct pbt_buf *body)
{
	const char *name = pbt_drift_view_fn(k->a, t, role);
	const struct pbt_pgcat_func *f = func_with(fns, args);
	struct pbt_buf fp = PBT_BUF_INIT;
	char sha[17];
	const char *diff;

	if (!f) {
		add(k, PBT_DRIFT_FUNCTION_MISSING, t, NULL, name,
		    "function %s.%s(%s) is missing", t->schema, name, args);
		return;
	}
	pbt_sha256_hex(body->buf, body->len, sha, 16);
	if (strcmp(f->body_sha, sha) || strcmp(f->lang, "plpgsql")) {
		add(k, PBT_DRIFT_FUNCTION_CHANGED, t, NULL, name,
		    "function %s.%s(%s) has another body (sha %s, want %s)",
		    t->schema, name, args, f->body_sha, sha);
		return;
	}
	/* the fingerprint ddl.c writes: kind, message, role, body_sha */
	pbt_fingerprint_begin(&fp);
	pbt_fingerprint_add(&fp, "kind", "function");
	pbt_fingerprint_add(&fp, "message", t->message);
	pbt_fingerprint_add(&fp, "role", role);
	pbt_fingerprint_add(&fp, "body_sha", sha);
	diff = fp_diff(k, f->comment, &fp);
	if (diff)
		add(k, PBT_DRIFT_FINGERPRINT_MISMATCH, t, NULL, name,
		    "function %s: %s", name, diff);
	pbt_buf_release(&fp);
}

/*
 * The view: a plain SELECT of data, the row id and the configured columns
 * (retired ones may stay, as migrate leaves them) from the table, in any
 * order; its comment; its write-path functions; its trigger.
 */
static void check_view(struct ck *k, const struct pbt_ptable *t,
		       const struct pbt_pgcat_rel *v,
		       const struct pbt_pgcat_func *apply_fns,
		       const struct pbt_pgcat_func *dml_fns,
		       const struct pbt_drift_live *live)
{
	struct pbt_buf q = PBT_BUF_INIT, missing = PBT_BUF_INIT,
		       extra = PBT_BUF_INIT;
	struct pbt_buf fp = PBT_BUF_INIT, apply = PBT_BUF_INIT,
		       dml = PBT_BUF_INIT;
	struct pbt_buf args = PBT_BUF_INIT, vq = PBT_BUF_INIT;
	const struct pbt_pgcol **cols;
	const char *trg = derived(k, t->view, "dml", NULL), *diff;
	const struct pbt_pgcat_trigger *tg;
	size_t i, j, n_cols = 0;
	bool ok = true;

	if (!v) {
		add(k, PBT_DRIFT_MISSING_VIEW, t, NULL, t->view,
		    "view %s is missing", t->view);
		goto out;
	}
	if (v->kind != 'v') {
		by_hand(add(k, PBT_DRIFT_VIEW_CHANGED, t, NULL, t->view,
			    "%s is a %s, want a view", t->view,
			    relkind_name(v->kind)));
		goto out;
	}
	cols = pbt_arena_calloc(k->a, v->n_cols + t->n_cols + 1, sizeof(*cols));
	for (i = 0; i < t->n_cols; i++)
		if (!pbt_pgcat_col(v, t->cols[i].name))
			pbt_buf_addf(&missing, "%s%s", missing.len ? ", " : "",
				     t->cols[i].name);
	if (!pbt_pgcat_col(v, "data"))
		pbt_buf_addf(&missing, "%sdata", missing.len ? ", " : "");
	if (t->rowid && !pbt_pgcat_col(v, PBT_ROWID_COLUMN))
		pbt_buf_addf(&missing, "%s%s", missing.len ? ", " : "",
			     PBT_ROWID_COLUMN);
	/* the query the view would have with its columns in its own order */
	pbt_buf_adds(&q, "SELECT ");
	for (i = 0; i < v->n_cols; i++) {
		const char *name = v->cols[i].name;
		const struct pbt_pgcol *c = pbt_ptable_column(t, name);
		bool retired = false;

		for (j = 0; j < live->n_retired && !retired; j++)
			retired = !strcmp(live->retired[j], name);
		if (c) {
			cols[n_cols++] = c;
		} else if (retired) {
			/* read-only in the view, as migrate writes it */
			struct pbt_pgcol *rc = pbt_arena_zalloc(k->a,
								sizeof(*rc));

			rc->kind = PBT_COL_FIELD;
			rc->name = name;
			cols[n_cols++] = rc;
		} else if (strcmp(name, "data") &&
			   !(t->rowid && !strcmp(name, PBT_ROWID_COLUMN))) {
			pbt_buf_addf(&extra, "%s%s", extra.len ? ", " : "",
				     name);
		}
		if (i)
			pbt_buf_adds(&q, ", ");
		pbt_sql_ident(&q, t->name);
		pbt_buf_addc(&q, '.');
		pbt_sql_ident(&q, name);
	}
	pbt_buf_adds(&q, " FROM ");
	pbt_sql_qualified(&q, t->schema, t->name);
	pbt_buf_addc(&q, ';');
	if (missing.len) {
		add(k, PBT_DRIFT_VIEW_CHANGED, t, NULL, t->view,
		    "view %s lacks column%s %s", t->view,
		    strchr(missing.buf, ',') ? "s" : "", missing.buf);
		ok = false;
	}
	if (extra.len) {
		add(k, PBT_DRIFT_VIEW_CHANGED, t, NULL, t->view,
		    "view %s shows column%s %s that %s not "
		    "configured",
		    t->view, strchr(extra.buf, ',') ? "s" : "", extra.buf,
		    strchr(extra.buf, ',') ? "are" : "is");
		ok = false;
	}
	if (ok && (!v->viewdef ||
		   strcmp(pbt_pgexpr_squeeze(k->a, v->viewdef), q.buf))) {
		add(k, PBT_DRIFT_VIEW_CHANGED, t, NULL, t->view,
		    "view %s is %s, want %s", t->view,
		    v->viewdef ? pbt_pgexpr_squeeze(k->a, v->viewdef)
			       : "unreadable",
		    q.buf);
		ok = false;
	}
	pbt_ddl_table_fingerprint(&fp, t, "view");
	diff = fp_diff(k, v->comment, &fp);
	if (diff)
		add(k, PBT_DRIFT_FINGERPRINT_MISMATCH, t, NULL, t->view,
		    "view %s: %s", t->view, diff);
	if (!ok) {
		/* judge the functions by the view the repair would create */
		n_cols = 0;
		for (i = 0; i < t->n_cols; i++)
			cols[n_cols++] = &t->cols[i];
	}
	pbt_ddl_view_bodies(&apply, &dml, t, cols, n_cols);
	pbt_sql_qualified(&vq, t->schema, t->view);
	pbt_buf_addf(&args, "jsonb, %s, %s", vq.buf, vq.buf);
	check_function(k, t, apply_fns, "apply", args.buf, &apply);
	check_function(k, t, dml_fns, "dml", "", &dml);
	tg = pbt_pgcat_trigger(v, trg);
	if (!tg) {
		add(k, PBT_DRIFT_TRIGGER_MISSING, t, NULL, trg,
		    "trigger %s on view %s is missing", trg, t->view);
	} else if (tg->type != VIEW_TRIGGER_TYPE || !tg->plain ||
		   tg->enabled != 'O' || strcmp(tg->fn_schema, t->schema) ||
		   tg->fn_nargs ||
		   strcmp(tg->fn_name, pbt_drift_view_fn(k->a, t, "dml"))) {
		add(k, PBT_DRIFT_TRIGGER_CHANGED, t, NULL, trg, "trigger %s %s",
		    trg,
		    tg->enabled == 'D' ? "is disabled"
		    : tg->type != VIEW_TRIGGER_TYPE
			    ? "does not fire INSTEAD OF INSERT OR UPDATE "
			      "OR DELETE FOR EACH ROW"
		    : !tg->plain ? "has arguments or a WHEN condition"
		    : tg->enabled != 'O'
			    ? "fires only in some session_replication_role"
			    : "calls another function");
	}
	check_triggers_rules(k, t, v, trg, true);
out:
	pbt_buf_release(&q);
	pbt_buf_release(&missing);
	pbt_buf_release(&extra);
	pbt_buf_release(&fp);
	pbt_buf_release(&apply);
	pbt_buf_release(&dml);
	pbt_buf_release(&args);
	pbt_buf_release(&vq);
}

/* ---------------------------------------------------------------- table */

static void check_table(struct ck *k, size_t ti, const struct pbt_pgcat_rel *r,
			const struct pbt_pgcat_rel *v,
			const struct pbt_pgcat_func *apply_fns,
			const struct pbt_pgcat_func *dml_fns)
{
	const struct pbt_ptable *t = &k->d->tables[ti];
	struct pbt_drift_live *live = &k->db->live[ti];
	struct pbt_buf fp = PBT_BUF_INIT;
	const char *diff;
	size_t i;

	if (!r) {
		add(k, PBT_DRIFT_MISSING_TABLE, t, NULL, NULL,
		    "table %s.%s is missing", t->schema, t->name);
		return;
	}
	if (r->kind != 'r' && r->kind != 'p') {
		by_hand(add(k, PBT_DRIFT_MISSING_TABLE, t, NULL, NULL,
			    "%s.%s is a %s, want a table", t->schema, t->name,
			    relkind_name(r->kind)));
		return;
	}
	pbt_ddl_table_fingerprint(&fp, t, "table");
	diff = fp_diff(k, r->comment, &fp);
	if (diff)
		add(k, PBT_DRIFT_FINGERPRINT_MISMATCH, t, NULL, NULL,
		    "table %s: %s", t->name, diff);
	pbt_buf_release(&fp);
	check_fixed_columns(k, t, r);
	for (i = 0; i < t->n_cols; i++)
		check_column(k, t, r, &t->cols[i]);
	check_extra_columns(k, t, r, live);
	check_constraints(k, t, r);
	check_indexes(k, t, r);
	check_triggers_rules(k, t, r, NULL, false);
	if (t->view)
		check_view(k, t, v, apply_fns, dml_fns, live);
}

/* ---------------------------------------------------------------- helpers */

static void check_helpers(struct ck *k, struct pbt_pgcat_func *const *fns)
{
	struct pbt_buf body = PBT_BUF_INIT, fp = PBT_BUF_INIT;
	size_t at = 0;
	int h;

	for (h = 0; h < PBT_N_HELPERS; h++) {
		const char *name = pbt_helper_name((enum pbt_helper)h);
		const char *args = pbt_helper_argtypes((enum pbt_helper)h);
		const char *sig, *diff;
		const struct pbt_pgcat_func *f;
		struct pbt_diff *fd;
		char sha[17];

		if (!(k->d->helpers & PBT_HBIT(h)))
			continue;
		f = func_with(fns[at++], args);
		sig = pbt_arena_printf(k->a, "%s(%s)", name, args);
		if (!f) {
			fd = add(k, PBT_DRIFT_HELPER_MISSING, NULL, NULL, sig,
				 "helper %s.%s is missing", PBT_HELPER_SCHEMA,
				 sig);
			fd->helper = h;
			continue;
		}
		pbt_buf_reset(&body);
		pbt_helper_body(&body, (enum pbt_helper)h);
		pbt_sha256_hex(body.buf, body.len, sha, 16);
		if (strcmp(f->body_sha, sha)) {
			fd = add(k, PBT_DRIFT_HELPER_VERSION, NULL, NULL, sig,
				 "helper %s.%s has another body "
				 "than pbtable's %s (sha %s, want %s)",
				 PBT_HELPER_SCHEMA, sig, name, f->body_sha,
				 sha);
			fd->helper = h;
			fd->manual = true;
			continue;
		}
		if (strcmp(f->lang, "plpgsql") ||
		    strcmp(f->result, pbt_helper_returns((enum pbt_helper)h)) ||
		    f->volatility !=
			    pbt_helper_volatility((enum pbt_helper)h) ||
		    f->parallel != 's') {
			fd = add(k, PBT_DRIFT_HELPER_VERSION, NULL, NULL, sig,
				 "helper %s.%s is %s %s "
				 "returning %s, want plpgsql %s PARALLEL SAFE "
				 "returning %s",
				 PBT_HELPER_SCHEMA, sig, f->lang,
				 f->volatility == 'i'	? "IMMUTABLE"
				 : f->volatility == 's' ? "STABLE"
							: "VOLATILE",
				 f->result,
				 pbt_helper_volatility((enum pbt_helper)h) ==
						 'i'
					 ? "IMMUTABLE"
					 : "STABLE",
				 pbt_helper_returns((enum pbt_helper)h));
			fd->helper = h;
			fd->manual = true;
			continue;
		}
		pbt_buf_reset(&fp);
		pbt_fingerprint_begin(&fp);
		pbt_fingerprint_add(&fp, "kind", "helper");
		pbt_fingerprint_add(&fp, "function", name);
		pbt_fingerprint_add(&fp, "body_sha", sha);
		diff = fp_diff(k, f->comment, &fp);
		if (diff) {
			fd = add(k, PBT_DRIFT_FINGERPRINT_MISMATCH, NULL, NULL,
				 sig, "helper %s.%s: %s", PBT_HELPER_SCHEMA,
				 sig, diff);
			fd->helper = h;
		}
	}
	pbt_buf_release(&body);
	pbt_buf_release(&fp);
}

/* ---------------------------------------------------------------- driver */

/* Let the server judge the expressions the prediction did not match. */
static int settle(struct ck *k, struct pbt_err *err)
{
	struct pbt_drift_db *db = k->db;
	size_t i, n = 0;
	int r = pbt_pgcat_compare(&k->cat, k->cmps, k->n_cmps, err);

	if (r)
		return r;
	for (i = 0; i < db->n; i++) {
		struct pbt_diff *f = &db->v[i];

		if (f->cmp >= 0 && k->cmps[f->cmp].same)
			continue;
		if (f->cmp >= 0 && k->cmps[f->cmp].note)
			f->message = pbt_arena_printf(k->a, "%s (%s)",
						      f->message,
						      k->cmps[f->cmp].note);
		f->cmp = -1;
		db->v[n++] = *f;
	}
	db->n = n;
	return 0;
}

static int check_db(struct pbt_drift *d, struct pbt_drift_db *db,
		    struct pbt_err *err)
{
	struct ck k;
	struct pbt_pgcat_name *rels, *fns;
	struct pbt_pgcat_opts po = { d->opts.connect_timeout,
				     d->opts.statement_timeout };
	size_t i, n_rels = 0, n_fns = 0;
	int h, r;

	memset(&k, 0, sizeof(k));
	k.d = d;
	k.db = db;
	k.a = d->arena;
	db->n = 0;
	db->live = pbt_arena_calloc(d->arena, d->n_tables + 1,
				    sizeof(*db->live));
	r = pbt_pgcat_open(&k.cat, d->arena, db->dsn, &po, err);
	db->label = k.cat.conn.label;
	if (!db->label) {
		/* not even a host: name it by its place on the command line */
		db->label = pbt_arena_printf(d->arena, "database %zu",
					     (size_t)(db - d->dbs) + 1);
		if (r) {
			snprintf(err->path, sizeof(err->path), "%s", db->label);
			err->loc.path = err->path;
		}
	}
	if (r)
		return r;
	db->standby = k.cat.conn.standby;
	rels = pbt_arena_calloc(d->arena, 2 * d->n_tables + 1, sizeof(*rels));
	fns = pbt_arena_calloc(d->arena, PBT_N_HELPERS + 2 * d->n_tables + 1,
			       sizeof(*fns));
	for (h = 0; h < PBT_N_HELPERS; h++)
		if (d->helpers & PBT_HBIT(h))
			fns[n_fns++] = (struct pbt_pgcat_name){
				PBT_HELPER_SCHEMA,
				pbt_helper_name((enum pbt_helper)h)
			};
	/*
	 * table i is rels[2i], its view rels[2i + 1]; its functions come
	 * after the helpers
	 */
	for (i = 0; i < d->n_tables; i++) {
		const struct pbt_ptable *t = &d->tables[i];

		rels[n_rels++] = (struct pbt_pgcat_name){ t->schema, t->name };
		/* no view: a name no relation has */
		rels[n_rels++] = (struct pbt_pgcat_name){ t->schema,
							  t->view ? t->view
								  : "" };
		fns[n_fns++] = (struct pbt_pgcat_name){
			t->schema,
			t->view ? pbt_drift_view_fn(d->arena, t, "apply") : ""
		};
		fns[n_fns++] = (struct pbt_pgcat_name){
			t->schema,
			t->view ? pbt_drift_view_fn(d->arena, t, "dml") : ""
		};
	}
	r = pbt_pgcat_read(&k.cat, rels, n_rels, fns, n_fns, err);
	if (r)
		goto out;
	check_helpers(&k, k.cat.funcs);
	for (i = 0; i < d->n_tables; i++) {
		size_t fi = n_fns - 2 * d->n_tables + 2 * i;

		check_table(&k, i, k.cat.rels[2 * i],
			    d->tables[i].view ? k.cat.rels[2 * i + 1] : NULL,
			    k.cat.funcs[fi], k.cat.funcs[fi + 1]);
	}
	r = settle(&k, err);
out:
	db->n_queries = k.cat.conn.n_queries;
	pbt_pgcat_close(&k.cat);
	free(k.cmps);
	return r;
}

static struct pbt_drift_db *new_db(struct pbt_drift *d, const char *dsn)
{
	struct pbt_drift_db *db;

	if (d->n_dbs == d->cap_dbs) {
		d->cap_dbs = d->cap_dbs ? 2 * d->cap_dbs : 4;
		d->dbs = pbt_xrealloc(d->dbs, d->cap_dbs * sizeof(*d->dbs));
	}
	db = &d->dbs[d->n_dbs++];
	memset(db, 0, sizeof(*db));
	db->dsn = pbt_arena_strdup(d->arena, dsn ? dsn : "");
	db->label = "database";
	return db;
}

static void run_check(struct pbt_drift *d, struct pbt_drift_db *db)
{
	pbt_err_clear(&db->err);
	pbt_sql_free(db->fix);
	db->fix = NULL;
	db->checked = !check_db(d, db, &db->err);
	if (!db->checked) {
		db->n = 0; /* a half-read database never reads as "no drift" */
		return;
	}
	if (d->opts.fix)
		db->fix = pbt_drift_fix_sql(d, db);
}

size_t pbt_drift_check(struct pbt_drift *d, const char *dsn)
{
	struct pbt_drift_db *db = new_db(d, dsn);

	run_check(d, db);
	return d->n_dbs - 1;
}

int pbt_drift_repair(struct pbt_drift *d, size_t i, size_t *n_repaired,
		     struct pbt_err *err)
{
	struct pbt_drift_db *db = &d->dbs[i];
	int r;

	*n_repaired = 0;
	if (!db->checked)
		return pbt_errf(err, db->err.code, &db->err.loc, "%s",
				db->err.msg);
	if (!db->fix || !pbt_sql_count(db->fix))
		return 0;
	if (db->standby) {
		pbt_errf(err, PBT_EREFUSED,
			 &(struct pbt_loc){ db->label, 0, 0 },
			 "not repairing a standby (it is in recovery, "
			 "read-only); "
			 "repair its primary, and the standby follows");
		return -PBT_EREFUSED;
	}
	r = pbt_sql_apply(db->fix, db->dsn, err);
	if (r) {
		if (!err->loc.path) {
			snprintf(err->path, sizeof(err->path), "%s", db->label);
			err->loc.path = err->path;
		}
		return r;
	}
	*n_repaired = db->n;
	run_check(d, db);
	if (!db->checked)
		return pbt_errf(err, db->err.code, &db->err.loc, "%s",
				db->err.msg);
	return 0;
}

size_t pbt_drift_n_databases(const struct pbt_drift *d)
{
	return d->n_dbs;
}

const char *pbt_drift_label(const struct pbt_drift *d, size_t i)
{
	return d->dbs[i].label;
}

const struct pbt_err *pbt_drift_error(const struct pbt_drift *d, size_t i)
{
	return d->dbs[i].checked ? NULL : &d->dbs[i].err;
}

size_t pbt_drift_count(const struct pbt_drift *d, size_t i)
{
	return d->dbs[i].n;
}

bool pbt_drift_standby(const struct pbt_drift *d, size_t i)
{
	return d->dbs[i].standby;
}

size_t pbt_drift_n_queries(const struct pbt_drift *d, size_t i)
{
	return d->dbs[i].n_queries;
}

const struct pbt_sql *pbt_drift_fix(const struct pbt_drift *d, size_t i)
{
	return d->dbs[i].fix;
}
