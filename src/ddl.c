/*
 * The table model and its SQL: resolve each configured table against a
 * schema (struct pbt_ptable), and the generators that write the
 * statements of one: the table with `data jsonb` and one STORED generated
 * column per projected field, its fingerprint comments, its indexes, and
 * the writable view whose INSTEAD OF trigger merges changes into `data`.
 * `pbtable ddl` is the plan (plan.c) against no tables at all, so what
 * ddl, migrate and drift --fix write comes from the same generators in
 * the same order (helpers, then tables by schema and name): the same
 * inputs always give the same bytes.  Quoting is sql_quote.c's; the
 * mapping of one field is pgmap.c's.
 */
#include "ddl.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ddl_helpers.h"
#include "fingerprint.h"
#include "input.h"
#include "plan.h"
#include "schema.h"
#include "sha256.h"
#include "sql_quote.h"

/* ---------------------------------------------------------------- resolve */

const struct pbt_pgcol *pbt_ptable_column(const struct pbt_ptable *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_cols; i++)
		if (!strcmp(t->cols[i].name, name))
			return &t->cols[i];
	return NULL;
}

static struct pbt_pgcol *find_path(struct pbt_ptable *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->n_cols; i++)
		if (!strcmp(t->cols[i].path, path))
			return &t->cols[i];
	return NULL;
}

/*
 * Add a column.  An explicit entry for a path all-scalars already added,
 * under the same column name, replaces it (that is how a type is
 * overridden); under another name it is a second column of that field.
 */
#define PG_MAX_COLUMNS 1600

static int add_column(struct pbt_ptable *t, const struct pbt_pgcol *c, bool from_all,
		      bool *explicit_flags, struct pbt_err *err)
{
	struct pbt_pgcol *old = find_path(t, c->path);
	size_t i, at = t->n_cols;

	if (old && from_all)
		return 0;
	if (old && !explicit_flags[old - t->cols] && !strcmp(old->name, c->name))
		at = (size_t)(old - t->cols);
	if (!strcmp(c->name, "data"))
		return pbt_errf(err, PBT_ECONFIG, &c->loc,
				"column name 'data' (from '%s') is taken by the message itself; set 'name'",
				c->path);
	/* PostgreSQL's MaxHeapAttributeNumber; data and pbt_rowid count.
	 * Refusing here also bounds the clash checks below. */
	if (at == t->n_cols && t->n_cols + 2 >= PG_MAX_COLUMNS)
		return pbt_errf(err, PBT_ECONFIG, &c->loc,
				"table '%s.%s' would have more than %d columns (PostgreSQL's limit); list the columns to keep in 'columns'",
				t->schema, t->name, PG_MAX_COLUMNS);
	for (i = 0; i < t->n_cols; i++) {
		if (i != at && !strcmp(t->cols[i].name, c->name))
			return pbt_errf(err, PBT_ECONFIG, &c->loc,
					"column '%s' for '%s' clashes with the column for '%s' (line %u); set 'name'",
					c->name, c->path, t->cols[i].path, t->cols[i].loc.line);
	}
	t->cols[at] = *c;
	explicit_flags[at] = !from_all;
	if (at == t->n_cols)
		t->n_cols++;
	return 0;
}

static bool bad_name(const char *name)
{
	return !*name || strchr(name, '.');
}

static int map_and_add(struct pbt_arena *a, struct pbt_ptable *t, const struct pbt_message *m,
		       const char *path, const char *name, const char *type,
		       const struct pbt_loc *loc, bool from_all, bool lenient,
		       bool *explicit_flags, struct pbt_err *err)
{
	struct pbt_pgcol c;
	int r = pbt_pgmap_path(a, m, path, name, type, loc, &c, err);

	if (r)
		return lenient ? 0 : r;
	return add_column(t, &c, from_all, explicit_flags, err);
}

static const char *derived(struct pbt_arena *a, const char *const *parts, size_t n)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *out;

	pbt_sql_derived_name(&b, parts, n);
	out = pbt_arena_strdup(a, b.buf);
	pbt_buf_release(&b);
	return out;
}

static int resolve_pk(struct pbt_arena *a, struct pbt_ptable *t, const struct pbt_message *m,
		      bool *explicit_flags, struct pbt_err *err)
{
	const struct pbt_tablecfg *cfg = t->cfg;
	const char *path = cfg->primary_key;
	const struct pbt_pgcol *c;
	struct pbt_pgcol nc;
	int r;

	if (!path) {
		const struct pbt_field *id = pbt_message_field_by_name(m, "id");

		if (!id || !pbt_pgmap_is_scalar(id) ||
		    (id->oneof && !id->oneof->synthetic)) {
			t->rowid = true;
			t->pk = PBT_ROWID_COLUMN;
			t->pk_type = "bigint";
			if (pbt_ptable_column(t, PBT_ROWID_COLUMN))
				return pbt_errf(err, PBT_ECONFIG, &cfg->loc,
						"column name '%s' is reserved for the row id of tables without a primary key",
						PBT_ROWID_COLUMN);
			return 0;
		}
		path = "id";
	}
	c = find_path(t, path);
	if (!c) {
		/* the key must be a column: add it first */
		const struct pbt_loc *loc = cfg->primary_key ? &cfg->pk_loc : &cfg->loc;

		r = pbt_pgmap_path(a, m, path, NULL, NULL, loc, &nc, err);
		if (r)
			return r;
		if (!strcmp(nc.name, "data") || pbt_ptable_column(t, nc.name))
			return pbt_errf(err, PBT_ECONFIG, loc,
					"primary key column '%s' clashes with another column", nc.name);
		memmove(t->cols + 1, t->cols, t->n_cols * sizeof(*t->cols));
		memmove(explicit_flags + 1, explicit_flags, t->n_cols * sizeof(*explicit_flags));
		t->n_cols++;
		t->cols[0] = nc;
		explicit_flags[0] = true;
		c = &t->cols[0];
	}
	if (!c->keyable)
		return pbt_errf(err, PBT_ECONFIG, cfg->primary_key ? &cfg->pk_loc : &cfg->loc,
				"primary key '%s' must be a scalar field, not %s", path, c->ptype);
	t->pk = c->name;
	t->pk_type = c->pgtype;
	return 0;
}

static int resolve_indexes(struct pbt_arena *a, struct pbt_ptable *t, bool lenient,
			   struct pbt_err *err)
{
	const struct pbt_tablecfg *cfg = t->cfg;
	size_t i, j;

	t->n_indexes = 0;
	t->indexes = pbt_arena_calloc(a, cfg->n_indexes, sizeof(*t->indexes));
	for (i = 0; i < cfg->n_indexes; i++) {
		const struct pbt_idxcfg *ic = &cfg->indexes[i];
		struct pbt_pgindex *ix = &t->indexes[t->n_indexes];
		const char **parts = pbt_arena_calloc(a, ic->n_columns + 2, sizeof(*parts));
		bool skip = false;

		ix->columns = ic->columns;
		ix->n_columns = ic->n_columns;
		ix->method = ic->method;
		ix->unique = ic->unique;
		parts[0] = t->name;
		for (j = 0; j < ic->n_columns; j++) {
			const struct pbt_pgcol *c = pbt_ptable_column(t, ic->columns[j]);
			bool is_data = !strcmp(ic->columns[j], "data");
			bool is_rowid = t->rowid && !strcmp(ic->columns[j], PBT_ROWID_COLUMN);

			if (!c && !is_data && !is_rowid && lenient) {
				/* OLD lacks the field: the index is new in NEW */
				skip = true;
				break;
			}
			if (!c && !is_data && !is_rowid)
				return pbt_errf(err, PBT_ECONFIG, &ic->column_locs[j],
						"index column '%s' is not a column of %s.%s",
						ic->columns[j], t->schema, t->name);
			if (!strcmp(ix->method, "gin") && !is_data && !(c && c->is_jsonb))
				return pbt_errf(err, PBT_ECONFIG, &ic->column_locs[j],
						"gin index on '%s' needs a jsonb or array column, not %s",
						ic->columns[j], c ? c->pgtype : "bigint");
			parts[j + 1] = ic->columns[j];
		}
		if (skip)
			continue;
		parts[ic->n_columns + 1] = ic->unique ? "key" : "idx";
		ix->name = ic->name ? ic->name : derived(a, parts, ic->n_columns + 2);
		for (j = 0; j < t->n_indexes; j++)
			if (!strcmp(t->indexes[j].name, ix->name))
				return pbt_errf(err, PBT_ECONFIG, &ic->loc,
						"index name '%s' is used twice; set 'name'", ix->name);
		t->n_indexes++;
	}
	return 0;
}

static int cmp_cstr(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The first string of v[0..n) that occurs twice, or NULL. */
static const char *twice(const char **v, size_t n)
{
	size_t i;

	if (n)
		qsort(v, n, sizeof(*v), cmp_cstr);
	for (i = 1; i < n; i++)
		if (!strcmp(v[i - 1], v[i]))
			return v[i];
	return NULL;
}

/*
 * A row is the message's JSON: two fields with one name or one JSON name
 * (which protoc refuses, a hostile set may hold) would make a key mean
 * two fields, in the table and in the data already stored.
 */
static int check_unique_keys(struct pbt_arena *a, const struct pbt_schema *s,
			     const struct pbt_message *m, const struct pbt_loc *loc,
			     struct pbt_err *err)
{
	const char **names = pbt_arena_calloc(a, m->n_fields + 1,
					      sizeof(*names));
	const char **json = pbt_arena_calloc(a, m->n_fields + 1, sizeof(*json));
	const char *dup;
	size_t i;

	for (i = 0; i < m->n_fields; i++) {
		const char *j = m->fields[i].fp->json_name;

		names[i] = m->fields[i].name;
		json[i] = j ? j : m->fields[i].name;
	}
	dup = twice(names, m->n_fields);
	if (dup)
		return pbt_errf(err, PBT_EINPUT, loc,
				"message '%s' in %s has two fields named '%s'",
				m->full_name, s->path, dup);
	dup = twice(json, m->n_fields);
	if (dup)
		return pbt_errf(err, PBT_EINPUT, loc,
				"message '%s' in %s has two fields with the JSON name '%s'",
				m->full_name, s->path, dup);
	return 0;
}

int pbt_ptable_resolve(struct pbt_arena *a, const struct pbt_schema *s,
		       const struct pbt_tablecfg *cfg, unsigned flags,
		       struct pbt_ptable *t, struct pbt_err *err)
{
	static const struct pbt_colsel all = { PBT_COLSEL_ALL_SCALARS, NULL, NULL, NULL, { NULL, 0, 0 } };
	bool lenient = flags & PBT_RESOLVE_LENIENT;
	const struct pbt_message *m;
	const struct pbt_colsel *sels;
	size_t n_sels, cap = 2, i, j;
	bool *explicit_flags;
	int r;

	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->schema = cfg->schema;
	t->name = cfg->table;
	t->view = cfg->view;
	t->message = cfg->message;
	m = pbt_schema_message(s, cfg->message);
	if (!m || m->is_map_entry) {
		if (lenient) {
			t->absent = true;
			return 0;
		}
		if (m)	/* protoc marks only map entries so; a set may mark any */
			return pbt_errf(err, PBT_ECONFIG, &cfg->message_loc,
					"message '%s' is a map entry (option map_entry) in %s: not a table",
					cfg->message, s->path);
		return pbt_errf(err, PBT_ECONFIG, &cfg->message_loc,
				"message '%s' is not in %s", cfg->message, s->path);
	}
	r = check_unique_keys(a, s, m, &cfg->message_loc, err);
	if (r)
		return r;
	sels = cfg->n_cols ? cfg->cols : &all;
	n_sels = cfg->n_cols ? cfg->n_cols : 1;
	for (i = 0; i < n_sels; i++)
		cap += sels[i].kind == PBT_COLSEL_ALL_SCALARS ? m->n_fields + m->n_oneofs : 1;
	t->cols = pbt_arena_calloc(a, cap, sizeof(*t->cols));
	explicit_flags = pbt_arena_calloc(a, cap, sizeof(*explicit_flags));
	for (i = 0; i < n_sels; i++) {
		const struct pbt_colsel *sel = &sels[i];
		struct pbt_loc loc = sel->loc.path ? sel->loc : cfg->loc;

		if (sel->kind == PBT_COLSEL_FIELD) {
			r = map_and_add(a, t, m, sel->path, sel->name, sel->type, &loc, false,
					lenient, explicit_flags, err);
			if (r)
				return r;
			continue;
		}
		for (j = 0; j < m->n_fields; j++) {
			const struct pbt_field *f = &m->fields[j];

			/* Names are taken as paths below: protoc never writes
			 * one that is empty or has a dot, a hostile set may. */
			if (bad_name(f->name) ||
			    (f->oneof && bad_name(f->oneof->name)))
				return pbt_errf(err, PBT_EINPUT, &loc,
						"message '%s': %s name '%s' is empty or has a dot",
						m->full_name, bad_name(f->name) ? "field" : "oneof",
						bad_name(f->name) ? f->name : f->oneof->name);
			if (f->oneof && !f->oneof->synthetic && !find_path(t, f->oneof->name)) {
				r = map_and_add(a, t, m, f->oneof->name, NULL, NULL, &loc, true,
						lenient, explicit_flags, err);
				if (r)
					return r;
			}
			if (!pbt_pgmap_is_scalar(f))
				continue;
			r = map_and_add(a, t, m, f->name, NULL, NULL, &loc, true, lenient,
					explicit_flags, err);
			if (r)
				return r;
		}
	}
	r = resolve_pk(a, t, m, explicit_flags, err);
	if (r)
		return r;
	r = resolve_indexes(a, t, lenient, err);
	if (r)
		return r;
	for (i = 0; i < t->n_cols; i++)
		t->helpers |= t->cols[i].helpers;
	if (t->view)
		t->helpers |= PBT_HBIT(PBT_H_SET);
	return 0;
}

static int cmp_table(const void *a, const void *b)
{
	const struct pbt_ptable *x = a, *y = b;
	int c = strcmp(x->schema, y->schema);

	return c ? c : strcmp(x->name, y->name);
}

void pbt_ptables_sort(struct pbt_ptable *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_table);
}

/* ---------------------------------------------------------------- SQL */

static void qualified(struct pbt_buf *b, const struct pbt_ptable *t, const char *name)
{
	pbt_sql_qualified(b, t->schema, name);
}

static void comment_lit(struct pbt_buf *b, const struct pbt_buf *fp)
{
	pbt_sql_literal(b, fp->buf);
	pbt_buf_addc(b, ';');
}

/* A COMMENT statement on a table, column, index or view (obj). */
static void add_comment(struct pbt_sql *s, const struct pbt_buf *stmt,
			const char *obj)
{
	PBT_SQL_ADD(s, .lock = PBT_LOCK_SHARE_UPDATE_EXCLUSIVE, .object = obj,
		    .sql = stmt->buf);
}

void pbt_ddl_column_def(struct pbt_buf *b, const struct pbt_pgcol *c)
{
	pbt_sql_ident(b, c->name);
	pbt_buf_addf(b, " %s GENERATED ALWAYS AS (%s) STORED", c->pgtype, c->expr);
}

void pbt_ddl_table_fingerprint(struct pbt_buf *fp, const struct pbt_ptable *t,
			       const char *kind)
{
	pbt_fingerprint_begin(fp);
	pbt_fingerprint_add(fp, "kind", kind);
	pbt_fingerprint_add(fp, "message", t->message);
	if (!strcmp(kind, "table")) {
		pbt_fingerprint_add(fp, "pk", t->pk);
		pbt_fingerprint_add(fp, "view", t->view ? t->view : "-");
	} else if (!strcmp(kind, "view")) {
		pbt_fingerprint_add(fp, "table", t->name);
	}
}

void pbt_ddl_column_fingerprint(struct pbt_buf *fp, const struct pbt_ptable *t,
				const struct pbt_pgcol *c)
{
	char sha[17];

	pbt_sha256_hex(c->expr, strlen(c->expr), sha, 16);
	pbt_fingerprint_begin(fp);
	pbt_fingerprint_add(fp, "kind",
			    c->kind == PBT_COL_ONEOF_CASE ? "oneof" : "column");
	pbt_fingerprint_add(fp, "message", t->message);
	pbt_fingerprint_add(fp, "field", c->numbers ? c->numbers : "");
	pbt_fingerprint_add(fp, "path", c->path);
	pbt_fingerprint_add(fp, "json", c->json);
	pbt_fingerprint_add(fp, "type", c->ptype);
	pbt_fingerprint_add(fp, "presence", c->presence);
	pbt_fingerprint_add(fp, "pgtype", c->pgtype);
	if (c->helper != PBT_H_NONE) {
		struct pbt_buf h = PBT_BUF_INIT;

		pbt_buf_addf(&h, "%s.%s", PBT_HELPER_SCHEMA, pbt_helper_name(c->helper));
		pbt_fingerprint_add(fp, "helper", h.buf);
		pbt_buf_release(&h);
	} else {
		pbt_fingerprint_add(fp, "helper", "-");
	}
	pbt_fingerprint_add(fp, "expr_sha", sha);
	if (c->retired)
		pbt_fingerprint_add(fp, "state", "retired");
}

void pbt_ddl_column_comment(struct pbt_sql *s, const struct pbt_ptable *t,
			    const struct pbt_pgcol *c)
{
	struct pbt_buf fp = PBT_BUF_INIT, b = PBT_BUF_INIT, tbl = PBT_BUF_INIT;

	pbt_ddl_column_fingerprint(&fp, t, c);
	qualified(&tbl, t, t->name);
	pbt_buf_addf(&b, "COMMENT ON COLUMN %s.", tbl.buf);
	pbt_sql_ident(&b, c->name);
	pbt_buf_adds(&b, " IS ");
	comment_lit(&b, &fp);
	add_comment(s, &b, tbl.buf);
	pbt_buf_release(&fp);
	pbt_buf_release(&b);
	pbt_buf_release(&tbl);
}

void pbt_ddl_table_comment(struct pbt_sql *s, const struct pbt_ptable *t,
			   const char *kind)
{
	struct pbt_buf fp = PBT_BUF_INIT, b = PBT_BUF_INIT, obj = PBT_BUF_INIT;
	bool view = !strcmp(kind, "view");

	pbt_ddl_table_fingerprint(&fp, t, kind);
	qualified(&obj, t, view ? t->view : t->name);
	if (view || !strcmp(kind, "table"))
		pbt_buf_addf(&b, "COMMENT ON %s %s IS ",
			     view ? "VIEW" : "TABLE", obj.buf);
	else	/* data, pbt_rowid */
		pbt_buf_addf(&b, "COMMENT ON COLUMN %s.%s IS ", obj.buf,
			     !strcmp(kind, "data") ? "data" : PBT_ROWID_COLUMN);
	comment_lit(&b, &fp);
	add_comment(s, &b, obj.buf);
	pbt_buf_release(&fp);
	pbt_buf_release(&b);
	pbt_buf_release(&obj);
}

bool pbt_ddl_check(struct pbt_buf *name, struct pbt_buf *expr,
		   const struct pbt_ptable *t, const struct pbt_pgcol *c)
{
	const char *parts[3] = { t->name, c->name, "check" };

	if (!c->check)
		return false;
	pbt_sql_derived_name(name, parts, 3);
	/* set in the JSON, but not what protobuf reads (pgmap.c): reject */
	pbt_buf_adds(expr, c->check);
	return true;
}

static void index_sql(struct pbt_buf *b, const struct pbt_ptable *t,
		      const struct pbt_pgindex *ix, bool concurrently)
{
	size_t i;

	pbt_buf_addf(b, "CREATE %sINDEX %s", ix->unique ? "UNIQUE " : "",
		     concurrently ? "CONCURRENTLY " : "");
	pbt_sql_ident(b, ix->name);
	pbt_buf_adds(b, " ON ");
	qualified(b, t, t->name);
	pbt_buf_addf(b, " USING %s (", ix->method);
	for (i = 0; i < ix->n_columns; i++) {
		if (i)
			pbt_buf_adds(b, ", ");
		pbt_sql_ident(b, ix->columns[i]);
	}
	pbt_buf_adds(b, ");");
}

static void index_comment(struct pbt_sql *s, const struct pbt_ptable *t,
			  const struct pbt_pgindex *ix,
			  enum pbt_sql_phase phase)
{
	struct pbt_buf fp = PBT_BUF_INIT, b = PBT_BUF_INIT, obj = PBT_BUF_INIT;

	pbt_ddl_index_fingerprint(&fp, t, ix);
	qualified(&obj, t, ix->name);
	pbt_buf_addf(&b, "COMMENT ON INDEX %s IS ", obj.buf);
	comment_lit(&b, &fp);
	PBT_SQL_ADD(s, .phase = phase, .lock = PBT_LOCK_SHARE_UPDATE_EXCLUSIVE,
		    .object = obj.buf, .sql = b.buf);
	pbt_buf_release(&fp);
	pbt_buf_release(&b);
	pbt_buf_release(&obj);
}

void pbt_ddl_index(struct pbt_sql *s, const struct pbt_ptable *t,
		   const struct pbt_pgindex *ix, enum pbt_sql_phase phase,
		   const char *note)
{
	struct pbt_buf b = PBT_BUF_INIT, tbl = PBT_BUF_INIT;
	bool after = phase == PBT_PHASE_AFTER;

	qualified(&tbl, t, t->name);
	index_sql(&b, t, ix, after);
	PBT_SQL_ADD(s, .phase = phase,
		    .lock = after ? PBT_LOCK_SHARE_UPDATE_EXCLUSIVE
				  : PBT_LOCK_SHARE,
		    .object = tbl.buf, .note = note, .sql = b.buf);
	index_comment(s, t, ix, phase);
	pbt_buf_release(&b);
	pbt_buf_release(&tbl);
}

void pbt_ddl_index_fingerprint(struct pbt_buf *fp, const struct pbt_ptable *t,
			       const struct pbt_pgindex *ix)
{
	struct pbt_buf cols = PBT_BUF_INIT;
	size_t i;

	for (i = 0; i < ix->n_columns; i++) {
		if (i)
			pbt_buf_addc(&cols, ',');
		pbt_buf_adds(&cols, ix->columns[i]);
	}
	pbt_fingerprint_begin(fp);
	pbt_fingerprint_add(fp, "kind", "index");
	pbt_fingerprint_add(fp, "message", t->message);
	pbt_fingerprint_add(fp, "columns", cols.buf);
	pbt_fingerprint_add(fp, "method", ix->method);
	pbt_fingerprint_add(fp, "unique", ix->unique ? "1" : "0");
	pbt_buf_release(&cols);
}

void pbt_ddl_index_comment(struct pbt_sql *s, const struct pbt_ptable *t,
			   const struct pbt_pgindex *ix)
{
	index_comment(s, t, ix, PBT_PHASE_TX);
}

static void apply_body(struct pbt_buf *b, const struct pbt_pgcol *const *cols, size_t n)
{
	size_t i, k;

	pbt_buf_adds(b, "\nBEGIN\n\td := coalesce(d, '{}');\n");
	for (i = 0; i < n; i++) {
		const struct pbt_pgcol *c = cols[i];
		struct pbt_buf nv = PBT_BUF_INIT, ov = PBT_BUF_INIT;

		if (c->kind != PBT_COL_FIELD || !c->wpre)
			continue;
		pbt_buf_adds(&nv, "n.");
		pbt_sql_ident(&nv, c->name);
		pbt_buf_adds(&ov, "o.");
		pbt_sql_ident(&ov, c->name);
		pbt_buf_addf(b, "\tIF %s IS DISTINCT FROM %s THEN\n", nv.buf, ov.buf);
		pbt_buf_addf(b, "\t\td := pbtable.set_v2(d, %s, ", c->keys);
		if (c->dflt)
			pbt_buf_addf(b, "CASE WHEN %s IS NULL OR %s = %s THEN NULL ELSE %s%s%s END",
				     nv.buf, nv.buf, c->dflt, c->wpre, nv.buf, c->wpost);
		else
			pbt_buf_addf(b, "%s%s%s", c->wpre, nv.buf, c->wpost);
		pbt_buf_adds(b, ");\n");
		if (c->n_clear) {
			/* setting a oneof member unsets the others */
			pbt_buf_addf(b, "\t\tIF %s IS NOT NULL THEN\n", nv.buf);
			for (k = 0; k < c->n_clear; k++)
				pbt_buf_addf(b, "\t\t\td := pbtable.set_v2(d, %s, NULL);\n",
					     c->clear[k]);
			pbt_buf_adds(b, "\t\tEND IF;\n");
		}
		pbt_buf_adds(b, "\tEND IF;\n");
		pbt_buf_release(&nv);
		pbt_buf_release(&ov);
	}
	pbt_buf_adds(b, "\tRETURN d;\nEND\n");
}

static void dml_body(struct pbt_buf *b, const struct pbt_ptable *t, const char *apply)
{
	struct pbt_buf tbl = PBT_BUF_INIT, view = PBT_BUF_INIT, pk = PBT_BUF_INIT;

	qualified(&tbl, t, t->name);
	qualified(&view, t, t->view);
	pbt_sql_ident(&pk, t->pk);
	pbt_buf_addf(b, "\nDECLARE\n\tpbt_key %s;\nBEGIN\n", t->pk_type);
	pbt_buf_addf(b,
		     "\tIF TG_OP = 'INSERT' THEN\n"
		     "\t\tINSERT INTO %s AS t (data)\n"
		     "\t\t\tVALUES (%s(NEW.data, NEW, NULL))\n"
		     "\t\t\tRETURNING t.%s INTO pbt_key;\n"
		     /* RETURNING through the view shows what was stored */
		     "\t\tSELECT v.* INTO NEW FROM %s v WHERE v.%s = pbt_key;\n"
		     "\t\tRETURN NEW;\n"
		     "\tEND IF;\n",
		     tbl.buf, apply, pk.buf, view.buf, pk.buf);
	pbt_buf_addf(b,
		     "\tIF TG_OP = 'UPDATE' THEN\n"
		     /* patch the row's current data, so keys the view does not
		      * show, and concurrent changes to them, survive */
		     "\t\tUPDATE %s AS t SET data = %s(\n"
		     "\t\t\t\tCASE WHEN NEW.data IS DISTINCT FROM OLD.data\n"
		     "\t\t\t\t\tTHEN NEW.data ELSE t.data END, NEW, OLD)\n"
		     "\t\t\tWHERE t.%s = OLD.%s\n"
		     "\t\t\tRETURNING t.%s INTO pbt_key;\n"
		     "\t\tIF NOT FOUND THEN\n\t\t\tRETURN NULL;\n\t\tEND IF;\n"
		     "\t\tSELECT v.* INTO NEW FROM %s v WHERE v.%s = pbt_key;\n"
		     "\t\tRETURN NEW;\n"
		     "\tEND IF;\n",
		     tbl.buf, apply, pk.buf, pk.buf, pk.buf, view.buf, pk.buf);
	pbt_buf_addf(b,
		     "\tDELETE FROM %s AS t WHERE t.%s = OLD.%s;\n"
		     "\tIF NOT FOUND THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
		     "\tRETURN OLD;\n"
		     "END\n",
		     tbl.buf, pk.buf, pk.buf);
	pbt_buf_release(&tbl);
	pbt_buf_release(&view);
	pbt_buf_release(&pk);
}

static void function_comment(struct pbt_buf *b, const struct pbt_ptable *t, const char *fn,
			     const char *args, const char *role, const struct pbt_buf *body)
{
	struct pbt_buf fp = PBT_BUF_INIT;
	char sha[17];

	pbt_sha256_hex(body->buf, body->len, sha, 16);
	pbt_fingerprint_begin(&fp);
	pbt_fingerprint_add(&fp, "kind", "function");
	pbt_fingerprint_add(&fp, "message", t->message);
	pbt_fingerprint_add(&fp, "role", role);
	pbt_fingerprint_add(&fp, "body_sha", sha);
	pbt_buf_addf(b, "COMMENT ON FUNCTION %s(%s) IS ", fn, args);
	comment_lit(b, &fp);
	pbt_buf_release(&fp);
}

void pbt_ddl_view_bodies(struct pbt_buf *apply, struct pbt_buf *dml,
			 const struct pbt_ptable *t,
			 const struct pbt_pgcol *const *cols, size_t n_cols)
{
	struct pbt_buf fn = PBT_BUF_INIT;

	apply_body(apply, cols, n_cols);
	pbt_ddl_view_function(&fn, t, "apply");
	dml_body(dml, t, fn.buf);
	pbt_buf_release(&fn);
}

void pbt_ddl_view_function(struct pbt_buf *b, const struct pbt_ptable *t, const char *role)
{
	const char *parts[2] = { t->view, role };
	struct pbt_buf n = PBT_BUF_INIT;

	pbt_sql_derived_name(&n, parts, 2);
	qualified(b, t, n.buf);
	pbt_buf_release(&n);
}

/* One statement of the view's: the view, its functions, its trigger. */
static void add_stmt(struct pbt_sql *s, struct pbt_buf *b, enum pbt_lock lock,
		     const char *obj)
{
	PBT_SQL_ADD(s, .lock = lock, .object = obj, .sql = b->buf);
	pbt_buf_reset(b);
}

void pbt_ddl_view(struct pbt_sql *s, const struct pbt_ptable *t,
		  const struct pbt_pgcol *const *cols, size_t n_cols,
		  bool replace)
{
	struct pbt_buf view = PBT_BUF_INIT, apply = PBT_BUF_INIT, dml = PBT_BUF_INIT;
	struct pbt_buf body = PBT_BUF_INIT, b = PBT_BUF_INIT;
	struct pbt_buf args = PBT_BUF_INIT;
	const char *parts[2] = { t->view, "dml" };
	char tag[32];
	size_t i;

	qualified(&view, t, t->view);
	pbt_ddl_view_function(&apply, t, "apply");
	pbt_ddl_view_function(&dml, t, "dml");

	pbt_buf_addf(&b, "CREATE %sVIEW %s AS\n\tSELECT data",
		     replace ? "OR REPLACE " : "", view.buf);
	if (t->rowid)
		pbt_buf_adds(&b, ", " PBT_ROWID_COLUMN);
	for (i = 0; i < n_cols; i++) {
		pbt_buf_adds(&b, ",\n\t\t");
		pbt_sql_ident(&b, cols[i]->name);
	}
	pbt_buf_adds(&b, "\n\tFROM ");
	qualified(&b, t, t->name);
	pbt_buf_adds(&b, ";");
	add_stmt(s, &b, PBT_LOCK_ACCESS_EXCLUSIVE, view.buf);
	pbt_ddl_table_comment(s, t, "view");

	/* apply(d, n, o): the changed view columns, written into d */
	apply_body(&body, cols, n_cols);
	pbt_sql_dollar_tag(body.buf, tag, sizeof(tag));
	/* room first: a too small buffer makes addf format twice */
	pbt_buf_grow(&b, body.len + 3 * view.len + 128);
	pbt_buf_addf(&b, "CREATE OR REPLACE FUNCTION %s(d jsonb, n %s, o %s)\n"
		     "\tRETURNS jsonb LANGUAGE plpgsql\nAS %s%s%s;",
		     apply.buf, view.buf, view.buf, tag, body.buf, tag);
	add_stmt(s, &b, PBT_LOCK_NONE, apply.buf);
	pbt_buf_addf(&args, "jsonb, %s, %s", view.buf, view.buf);
	function_comment(&b, t, apply.buf, args.buf, "apply", &body);
	add_stmt(s, &b, PBT_LOCK_NONE, apply.buf);

	if (replace)
		goto out;	/* the trigger function depends on no column */
	pbt_buf_reset(&body);
	dml_body(&body, t, apply.buf);
	pbt_sql_dollar_tag(body.buf, tag, sizeof(tag));
	pbt_buf_grow(&b, body.len + dml.len + 128);
	pbt_buf_addf(&b, "CREATE OR REPLACE FUNCTION %s()\n"
		     "\tRETURNS trigger LANGUAGE plpgsql\nAS %s%s%s;",
		     dml.buf, tag, body.buf, tag);
	add_stmt(s, &b, PBT_LOCK_NONE, dml.buf);
	function_comment(&b, t, dml.buf, "", "dml", &body);
	add_stmt(s, &b, PBT_LOCK_NONE, dml.buf);
	{
		struct pbt_buf trg = PBT_BUF_INIT;

		pbt_sql_derived_name(&trg, parts, 2);
		pbt_buf_adds(&b, "CREATE TRIGGER ");
		pbt_sql_ident(&b, trg.buf);
		pbt_buf_addf(&b,
			     " INSTEAD OF INSERT OR UPDATE OR DELETE ON %s\n"
			     "\tFOR EACH ROW EXECUTE FUNCTION %s();",
			     view.buf, dml.buf);
		add_stmt(s, &b, PBT_LOCK_SHARE_ROW_EXCLUSIVE, view.buf);
		pbt_buf_release(&trg);
	}
out:
	pbt_buf_release(&view);
	pbt_buf_release(&apply);
	pbt_buf_release(&dml);
	pbt_buf_release(&body);
	pbt_buf_release(&b);
	pbt_buf_release(&args);
}

void pbt_ddl_schema(struct pbt_sql *s, const char *schema)
{
	struct pbt_buf b = PBT_BUF_INIT, name = PBT_BUF_INIT;

	if (!strcmp(schema, "public"))
		return;
	pbt_sql_ident(&name, schema);
	pbt_buf_addf(&b, "CREATE SCHEMA IF NOT EXISTS %s;", name.buf);
	PBT_SQL_ADD(s, .object = name.buf, .sql = b.buf);
	pbt_buf_release(&b);
	pbt_buf_release(&name);
}

void pbt_ddl_helpers(struct pbt_sql *s, pbt_helper_set set)
{
	size_t mark = pbt_sql_count(s);

	if (!set)
		return;
	pbt_ddl_schema(s, PBT_HELPER_SCHEMA);
	pbt_helpers_sql(s, set);
	pbt_sql_group(s, mark, "-- Helper functions: IMMUTABLE, NULL (never an "
			       "error) for bad input.\n");
}

void pbt_ddl_table(struct pbt_sql *s, const struct pbt_ptable *t, unsigned flags)
{
	struct pbt_buf b = PBT_BUF_INIT, tbl = PBT_BUF_INIT;
	struct pbt_buf note = PBT_BUF_INIT, n = PBT_BUF_INIT, e = PBT_BUF_INIT;
	enum pbt_sql_phase ix_phase = flags & PBT_DDL_CONCURRENTLY
					      ? PBT_PHASE_AFTER
					      : PBT_PHASE_TX;
	size_t mark = pbt_sql_count(s);
	const struct pbt_pgcol **cols;
	const char *parts[3];
	size_t i;

	qualified(&tbl, t, t->name);
	pbt_buf_addf(&b, "CREATE TABLE %s (\n\tdata jsonb NOT NULL", tbl.buf);
	if (t->rowid)
		pbt_buf_adds(&b, ",\n\t" PBT_ROWID_COLUMN
				 " bigint GENERATED ALWAYS AS IDENTITY");
	for (i = 0; i < t->n_cols; i++) {
		pbt_buf_adds(&b, ",\n\t");
		pbt_ddl_column_def(&b, &t->cols[i]);
	}
	parts[0] = t->name, parts[1] = "pkey";
	pbt_buf_adds(&b, ",\n\tCONSTRAINT ");
	pbt_sql_derived_name(&n, parts, 2);
	pbt_sql_ident(&b, n.buf);
	pbt_buf_adds(&b, " PRIMARY KEY (");
	pbt_sql_ident(&b, t->pk);
	pbt_buf_adds(&b, "),\n\tCONSTRAINT ");
	pbt_buf_reset(&n);
	parts[1] = "data", parts[2] = "check";
	pbt_sql_derived_name(&n, parts, 3);
	pbt_sql_ident(&b, n.buf);
	pbt_buf_adds(&b, " CHECK (jsonb_typeof(data) = 'object')");
	for (i = 0; (flags & PBT_DDL_STRICT) && i < t->n_cols; i++) {
		pbt_buf_reset(&n);
		pbt_buf_reset(&e);
		if (!pbt_ddl_check(&n, &e, t, &t->cols[i]))
			continue;
		pbt_buf_adds(&b, ",\n\tCONSTRAINT ");
		pbt_sql_ident(&b, n.buf);
		pbt_buf_addf(&b, " CHECK (%s)", e.buf);
	}
	pbt_buf_adds(&b, "\n);");
	PBT_SQL_ADD(s, .lock = PBT_LOCK_ACCESS_EXCLUSIVE, .object = tbl.buf,
		    .sql = b.buf);

	pbt_ddl_table_comment(s, t, "table");
	pbt_ddl_table_comment(s, t, "data");
	if (t->rowid)
		pbt_ddl_table_comment(s, t, "rowid");
	for (i = 0; i < t->n_cols; i++)
		pbt_ddl_column_comment(s, t, &t->cols[i]);
	for (i = 0; i < t->n_indexes; i++)
		pbt_ddl_index(s, t, &t->indexes[i], ix_phase, NULL);
	if (t->view) {
		cols = pbt_xcalloc(t->n_cols + 1, sizeof(*cols));
		for (i = 0; i < t->n_cols; i++)
			cols[i] = &t->cols[i];
		pbt_ddl_view(s, t, cols, t->n_cols, false);
		free(cols);
	}
	pbt_sql_comment(&note, "%s: message %s", tbl.buf, t->message);
	pbt_sql_group(s, mark, note.buf);
	pbt_buf_release(&b);
	pbt_buf_release(&tbl);
	pbt_buf_release(&note);
	pbt_buf_release(&n);
	pbt_buf_release(&e);
}

/* ---------------------------------------------------------------- ddl */

int pbt_timeout_check(const char *what, const char *value,
		      const char *example, struct pbt_err *err)
{
	const char *p = value;

	if (!value)
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p != value && (!*p || !strcmp(p, "ms") || !strcmp(p, "s") ||
			   !strcmp(p, "min") || !strcmp(p, "h") ||
			   !strcmp(p, "d")))
		return 0;
	return pbt_errf(err, PBT_EUSAGE, NULL,
			"bad %s '%s' (want e.g. 500ms, %s, 1min)", what, value,
			example);
}

bool pbt_ptable_matches(const struct pbt_ptable *t, const char *want)
{
	size_t ls = strlen(t->schema);

	return !strcmp(want, t->name) || !strcmp(want, t->message) ||
	       (!strncmp(want, t->schema, ls) && want[ls] == '.' && !strcmp(want + ls + 1, t->name));
}

int pbt_ptables_resolve(struct pbt_arena *a, const struct pbt_schema *s,
			const struct pbt_ddl_config *cfg, unsigned flags,
			const char *only, struct pbt_ptable **out,
			size_t *n_out, pbt_helper_set *helpers, struct pbt_err *err)
{
	struct pbt_ptable *v = pbt_arena_calloc(a, cfg->n_tables + 1,
						sizeof(*v));
	size_t i, n = 0;
	int r;

	*out = v;
	*n_out = 0;
	for (i = 0; i < cfg->n_tables; i++) {
		r = pbt_ptable_resolve(a, s, &cfg->tables[i], flags, &v[n],
				       err);
		if (r)
			return r;
		if (v[n].absent || (only && !pbt_ptable_matches(&v[n], only)))
			continue;
		*helpers |= v[n].helpers;
		n++;
	}
	if (only && !n)
		return pbt_errf(err, PBT_EUSAGE, NULL, "no table '%s' in %s",
				only, cfg->path);
	pbt_ptables_sort(v, n);
	*n_out = n;
	return 0;
}

int pbt_ddl(const char *set_path, const struct pbt_ddl_opts *opts,
	    struct pbt_sql **out, struct pbt_err *err)
{
	struct pbt_ddl_config cfg;
	struct pbt_schema *schema = NULL;
	struct pbt_ptable *tables;
	struct pbt_sql *s = NULL;
	pbt_helper_set helpers = 0;
	size_t n;
	int r;

	*out = NULL;
	memset(&cfg, 0, sizeof(cfg));
	r = pbt_timeout_check("lock timeout", opts->lock_timeout, "5s", err);
	if (!r)
		r = pbt_ddl_config_load(&cfg, opts->config, err);
	if (r)
		goto out;
	schema = pbt_input_schema(set_path, &opts->src, opts->config, NULL, true, err);
	if (!schema) {
		r = -(int)err->code;
		goto out;
	}
	s = pbt_sql_new(opts->lock_timeout);
	r = pbt_ptables_resolve(s->arena, schema, &cfg, 0, opts->table,
				&tables, &n, &helpers, err);
	if (r)
		goto out;
	pbt_sql_comment(&s->head, "pbtable ddl: %zu table%s.  Generated from the .proto files and",
			n, n == 1 ? "" : "s");
	pbt_sql_comment(&s->head, "%s; do not edit, generate again.", cfg.path);
	pbt_buf_adds(&s->head, "\n");
	/* everything is new: the plan against no tables at all */
	r = pbt_plan_configs(s,
			     &(struct pbt_plan_opts){ .strict = opts->strict },
			     NULL, 0, 0, tables, n, helpers, set_path, err);
	if (!r) {
		*out = s;
		s = NULL;
	}
out:
	pbt_sql_free(s);
	pbt_schema_free(schema);
	pbt_ddl_config_release(&cfg);
	return r;
}
