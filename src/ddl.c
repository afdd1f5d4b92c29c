/*
 * `pbtable ddl`: resolve each configured table against a schema and write
 * the SQL that creates it: the table with `data jsonb` and one STORED
 * generated column per projected field, its fingerprint comments, its
 * indexes, and the writable view whose INSTEAD OF trigger merges changes
 * into `data`.  Output order is fixed (helpers, then tables by schema and
 * name), so the same inputs always give the same bytes.  Quoting is
 * sql_quote.c's; the mapping of one field is pgmap.c's.
 */
#include "ddl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ddl_helpers.h"
#include "fingerprint.h"
#include "input.h"
#include "schema.h"
#include "sha256.h"
#include "sql_quote.h"

/* ---------------------------------------------------------------- script */

struct pbt_sql *pbt_sql_new(const char *lock_timeout)
{
	struct pbt_sql *s = pbt_xcalloc(1, sizeof(*s));

	s->arena = pbt_arena_new();
	s->lock_timeout = pbt_arena_strdup(s->arena, lock_timeout ? lock_timeout : "5s");
	return s;
}

void pbt_sql_free(struct pbt_sql *s)
{
	if (!s)
		return;
	pbt_buf_release(&s->head);
	pbt_buf_release(&s->tx);
	free(s->post);
	free(s->post_notes);
	free(s->warnings);
	pbt_arena_free(s->arena);
	free(s);
}

static int bad_utf8(const char *text, size_t len, const char *set_path,
		    struct pbt_err *err)
{
	size_t at = pbt_utf8_valid_prefix(text, len), from = at, to = at;
	struct pbt_buf line = PBT_BUF_INIT;
	char *copy;

	if (at == len)
		return 0;
	while (from && text[from - 1] != '\n')
		from--;
	while (to < len && text[to] != '\n')
		to++;
	copy = pbt_xmalloc(to - from + 1);
	memcpy(copy, text + from, to - from);
	copy[to - from] = '\0';
	pbt_buf_add_goquote(&line, copy);
	free(copy);
	pbt_errf(err, PBT_EINPUT, &(struct pbt_loc){ set_path, 0, 0 },
		 "names in the set are not UTF-8, and PostgreSQL refuses such SQL");
	pbt_err_detail(err, "in the line %s", pbt_buf_str(&line));
	pbt_buf_release(&line);
	return -PBT_EINPUT;
}

int pbt_sql_check_utf8(const struct pbt_sql *s, const char *set_path,
		       struct pbt_err *err)
{
	size_t i;
	int r = bad_utf8(s->head.buf, s->head.len, set_path, err);

	if (!r)
		r = bad_utf8(s->tx.buf, s->tx.len, set_path, err);
	for (i = 0; i < s->n_post && !r; i++) {
		r = bad_utf8(s->post[i], strlen(s->post[i]), set_path, err);
		if (!r && s->post_notes[i])
			r = bad_utf8(s->post_notes[i], strlen(s->post_notes[i]),
				     set_path, err);
	}
	return r;
}

void pbt_sql_add_post(struct pbt_sql *s, const char *note, const char *stmt)
{
	if (s->n_post == s->cap_post) {
		s->cap_post = s->cap_post ? 2 * s->cap_post : 8;
		s->post = pbt_xrealloc(s->post, s->cap_post * sizeof(*s->post));
		s->post_notes = pbt_xrealloc(s->post_notes, s->cap_post * sizeof(*s->post_notes));
	}
	s->post_notes[s->n_post] = note ? pbt_arena_strdup(s->arena, note) : NULL;
	s->post[s->n_post++] = pbt_arena_strdup(s->arena, stmt);
}

void pbt_sql_warn(struct pbt_sql *s, const char *fmt, ...)
{
	va_list ap;

	if (s->n_warnings == s->cap_warnings) {
		s->cap_warnings = s->cap_warnings ? 2 * s->cap_warnings : 8;
		s->warnings = pbt_xrealloc(s->warnings, s->cap_warnings * sizeof(*s->warnings));
	}
	va_start(ap, fmt);
	s->warnings[s->n_warnings++] = pbt_arena_vprintf(s->arena, fmt, ap);
	va_end(ap);
}

bool pbt_sql_tx_empty(const struct pbt_sql *s)
{
	return s->tx.len == 0;
}

size_t pbt_sql_n_warnings(const struct pbt_sql *s)
{
	return s->n_warnings;
}

const char *pbt_sql_warning(const struct pbt_sql *s, size_t i)
{
	return i < s->n_warnings ? s->warnings[i] : NULL;
}

void pbt_sql_render(const struct pbt_sql *s, struct pbt_buf *out)
{
	size_t i;

	pbt_buf_add(out, pbt_buf_str(&s->head), s->head.len);
	if (s->tx.len) {
		pbt_buf_adds(out, "BEGIN;\nSET LOCAL lock_timeout = ");
		pbt_sql_literal(out, s->lock_timeout);
		pbt_buf_adds(out, ";\n\n");
		pbt_buf_add(out, s->tx.buf, s->tx.len);
		pbt_buf_adds(out, "COMMIT;\n");
	}
	if (s->n_post)
		pbt_buf_adds(out, "\n-- After COMMIT, one statement at a time (CREATE INDEX CONCURRENTLY cannot\n"
			     "-- run in a transaction block).  These take only a SHARE UPDATE EXCLUSIVE\n"
			     "-- lock: reads and writes go on.\n");
	for (i = 0; i < s->n_post; i++) {
		if (s->post_notes[i])
			pbt_buf_addf(out, "%s\n", s->post_notes[i]);
		pbt_buf_addf(out, "%s\n", s->post[i]);
	}
}

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
	pbt_buf_adds(b, ";\n");
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

void pbt_ddl_column_comment(struct pbt_buf *b, const struct pbt_ptable *t,
			    const struct pbt_pgcol *c)
{
	struct pbt_buf fp = PBT_BUF_INIT;

	pbt_ddl_column_fingerprint(&fp, t, c);
	pbt_buf_adds(b, "COMMENT ON COLUMN ");
	qualified(b, t, t->name);
	pbt_buf_addc(b, '.');
	pbt_sql_ident(b, c->name);
	pbt_buf_adds(b, " IS ");
	comment_lit(b, &fp);
	pbt_buf_release(&fp);
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

void pbt_ddl_index(struct pbt_buf *b, const struct pbt_ptable *t,
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

void pbt_ddl_index_comment(struct pbt_buf *b, const struct pbt_ptable *t,
			   const struct pbt_pgindex *ix)
{
	struct pbt_buf fp = PBT_BUF_INIT;

	pbt_ddl_index_fingerprint(&fp, t, ix);
	pbt_buf_adds(b, "COMMENT ON INDEX ");
	qualified(b, t, ix->name);
	pbt_buf_adds(b, " IS ");
	comment_lit(b, &fp);
	pbt_buf_release(&fp);
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

void pbt_ddl_view(struct pbt_buf *b, const struct pbt_ptable *t,
		  const struct pbt_pgcol *const *cols, size_t n_cols, bool replace)
{
	struct pbt_buf view = PBT_BUF_INIT, apply = PBT_BUF_INIT, dml = PBT_BUF_INIT;
	struct pbt_buf body = PBT_BUF_INIT, fp = PBT_BUF_INIT, args = PBT_BUF_INIT;
	const char *parts[2] = { t->view, "dml" };
	char tag[32];
	size_t i;

	qualified(&view, t, t->view);
	pbt_ddl_view_function(&apply, t, "apply");
	pbt_ddl_view_function(&dml, t, "dml");

	pbt_buf_addf(b, "CREATE %sVIEW %s AS\n\tSELECT data", replace ? "OR REPLACE " : "", view.buf);
	if (t->rowid)
		pbt_buf_adds(b, ", " PBT_ROWID_COLUMN);
	for (i = 0; i < n_cols; i++) {
		pbt_buf_adds(b, ",\n\t\t");
		pbt_sql_ident(b, cols[i]->name);
	}
	pbt_buf_adds(b, "\n\tFROM ");
	qualified(b, t, t->name);
	pbt_buf_adds(b, ";\n");
	pbt_ddl_table_fingerprint(&fp, t, "view");
	pbt_buf_addf(b, "COMMENT ON VIEW %s IS ", view.buf);
	comment_lit(b, &fp);

	/* apply(d, n, o): the changed view columns, written into d */
	apply_body(&body, cols, n_cols);
	pbt_sql_dollar_tag(body.buf, tag, sizeof(tag));
	pbt_buf_addf(b, "CREATE OR REPLACE FUNCTION %s(d jsonb, n %s, o %s)\n"
		     "\tRETURNS jsonb LANGUAGE plpgsql\nAS %s%s%s;\n",
		     apply.buf, view.buf, view.buf, tag, body.buf, tag);
	pbt_buf_addf(&args, "jsonb, %s, %s", view.buf, view.buf);
	function_comment(b, t, apply.buf, args.buf, "apply", &body);

	if (replace)
		goto out;	/* the trigger function depends on no column */
	pbt_buf_reset(&body);
	dml_body(&body, t, apply.buf);
	pbt_sql_dollar_tag(body.buf, tag, sizeof(tag));
	pbt_buf_addf(b, "CREATE OR REPLACE FUNCTION %s()\n"
		     "\tRETURNS trigger LANGUAGE plpgsql\nAS %s%s%s;\n",
		     dml.buf, tag, body.buf, tag);
	function_comment(b, t, dml.buf, "", "dml", &body);
	{
		struct pbt_buf trg = PBT_BUF_INIT;

		pbt_sql_derived_name(&trg, parts, 2);
		pbt_buf_adds(b, "CREATE TRIGGER ");
		pbt_sql_ident(b, trg.buf);
		pbt_buf_addf(b, " INSTEAD OF INSERT OR UPDATE OR DELETE ON %s\n"
			     "\tFOR EACH ROW EXECUTE FUNCTION %s();\n", view.buf, dml.buf);
		pbt_buf_release(&trg);
	}
out:
	pbt_buf_release(&view);
	pbt_buf_release(&apply);
	pbt_buf_release(&dml);
	pbt_buf_release(&body);
	pbt_buf_release(&fp);
	pbt_buf_release(&args);
}

void pbt_ddl_schema(struct pbt_buf *b, const char *schema)
{
	if (!strcmp(schema, "public"))
		return;
	pbt_buf_adds(b, "CREATE SCHEMA IF NOT EXISTS ");
	pbt_sql_ident(b, schema);
	pbt_buf_adds(b, ";\n");
}

void pbt_ddl_helpers(struct pbt_buf *b, pbt_helper_set set)
{
	if (!set)
		return;
	pbt_buf_adds(b, "-- Helper functions: IMMUTABLE, NULL (never an error) for bad input.\n");
	pbt_ddl_schema(b, PBT_HELPER_SCHEMA);
	pbt_helpers_sql(b, set);
	pbt_buf_adds(b, "\n");
}

void pbt_ddl_table(struct pbt_sql *s, const struct pbt_ptable *t, unsigned flags)
{
	struct pbt_buf *b = &s->tx;
	struct pbt_buf tbl = PBT_BUF_INIT, fp = PBT_BUF_INIT, n = PBT_BUF_INIT, e = PBT_BUF_INIT;
	const struct pbt_pgcol **cols;
	const char *parts[3];
	size_t i;

	qualified(&tbl, t, t->name);
	pbt_sql_comment(b, "%s: message %s", tbl.buf, t->message);
	pbt_buf_addf(b, "CREATE TABLE %s (\n\tdata jsonb NOT NULL", tbl.buf);
	if (t->rowid)
		pbt_buf_adds(b, ",\n\t" PBT_ROWID_COLUMN " bigint GENERATED ALWAYS AS IDENTITY");
	for (i = 0; i < t->n_cols; i++) {
		pbt_buf_adds(b, ",\n\t");
		pbt_ddl_column_def(b, &t->cols[i]);
	}
	parts[0] = t->name, parts[1] = "pkey";
	pbt_buf_adds(b, ",\n\tCONSTRAINT ");
	pbt_sql_derived_name(&n, parts, 2);
	pbt_sql_ident(b, n.buf);
	pbt_buf_adds(b, " PRIMARY KEY (");
	pbt_sql_ident(b, t->pk);
	pbt_buf_adds(b, "),\n\tCONSTRAINT ");
	pbt_buf_reset(&n);
	parts[1] = "data", parts[2] = "check";
	pbt_sql_derived_name(&n, parts, 3);
	pbt_sql_ident(b, n.buf);
	pbt_buf_adds(b, " CHECK (jsonb_typeof(data) = 'object')");
	for (i = 0; (flags & PBT_DDL_STRICT) && i < t->n_cols; i++) {
		pbt_buf_reset(&n);
		pbt_buf_reset(&e);
		if (!pbt_ddl_check(&n, &e, t, &t->cols[i]))
			continue;
		pbt_buf_adds(b, ",\n\tCONSTRAINT ");
		pbt_sql_ident(b, n.buf);
		pbt_buf_addf(b, " CHECK (%s)", e.buf);
	}
	pbt_buf_adds(b, "\n);\n");

	pbt_ddl_table_fingerprint(&fp, t, "table");
	pbt_buf_addf(b, "COMMENT ON TABLE %s IS ", tbl.buf);
	comment_lit(b, &fp);
	pbt_buf_reset(&fp);
	pbt_ddl_table_fingerprint(&fp, t, "data");
	pbt_buf_addf(b, "COMMENT ON COLUMN %s.data IS ", tbl.buf);
	comment_lit(b, &fp);
	if (t->rowid) {
		pbt_buf_reset(&fp);
		pbt_ddl_table_fingerprint(&fp, t, "rowid");
		pbt_buf_addf(b, "COMMENT ON COLUMN %s." PBT_ROWID_COLUMN " IS ", tbl.buf);
		comment_lit(b, &fp);
	}
	for (i = 0; i < t->n_cols; i++)
		pbt_ddl_column_comment(b, t, &t->cols[i]);
	for (i = 0; i < t->n_indexes; i++) {
		struct pbt_buf stmt = PBT_BUF_INIT;

		pbt_ddl_index(&stmt, t, &t->indexes[i], flags & PBT_DDL_CONCURRENTLY);
		if (flags & PBT_DDL_CONCURRENTLY) {
			pbt_sql_add_post(s, NULL, stmt.buf);
			pbt_buf_reset(&stmt);
			pbt_ddl_index_comment(&stmt, t, &t->indexes[i]);
			pbt_buf_setlen(&stmt, stmt.len - 1);
			pbt_sql_add_post(s, NULL, stmt.buf);
		} else {
			pbt_buf_addf(b, "%s\n", stmt.buf);
			pbt_ddl_index_comment(b, t, &t->indexes[i]);
		}
		pbt_buf_release(&stmt);
	}
	if (t->view) {
		cols = pbt_xcalloc(t->n_cols + 1, sizeof(*cols));
		for (i = 0; i < t->n_cols; i++)
			cols[i] = &t->cols[i];
		pbt_ddl_view(b, t, cols, t->n_cols, false);
		free(cols);
	}
	pbt_buf_adds(b, "\n");
	pbt_buf_release(&tbl);
	pbt_buf_release(&fp);
	pbt_buf_release(&n);
	pbt_buf_release(&e);
}

/* ---------------------------------------------------------------- ddl */

bool pbt_lock_timeout_valid(const char *s)
{
	const char *p = s;

	if (!s || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return !*p || !strcmp(p, "ms") || !strcmp(p, "s") || !strcmp(p, "min") ||
	       !strcmp(p, "h") || !strcmp(p, "d");
}

bool pbt_ptable_matches(const struct pbt_ptable *t, const char *want)
{
	size_t ls = strlen(t->schema);

	return !strcmp(want, t->name) || !strcmp(want, t->message) ||
	       (!strncmp(want, t->schema, ls) && want[ls] == '.' && !strcmp(want + ls + 1, t->name));
}

int pbt_ddl(const char *set_path, const struct pbt_ddl_opts *opts,
	    struct pbt_sql **out, struct pbt_err *err)
{
	struct pbt_ddl_config cfg;
	struct pbt_schema *schema = NULL;
	struct pbt_ptable *tables;
	struct pbt_sql *s = NULL;
	const char *prev_schema = NULL;
	pbt_helper_set helpers = 0;
	size_t i, n = 0;
	int r;

	*out = NULL;
	if (opts->lock_timeout && !pbt_lock_timeout_valid(opts->lock_timeout))
		return pbt_errf(err, PBT_EUSAGE, NULL,
				"bad lock timeout '%s' (want e.g. 500ms, 5s, 1min)", opts->lock_timeout);
	r = pbt_ddl_config_load(&cfg, opts->config, err);
	if (r)
		goto out;
	schema = pbt_input_schema(set_path, &opts->src, opts->config, NULL, true, err);
	if (!schema) {
		r = -(int)err->code;
		goto out;
	}
	s = pbt_sql_new(opts->lock_timeout);
	tables = pbt_arena_calloc(s->arena, cfg.n_tables, sizeof(*tables));
	for (i = 0; i < cfg.n_tables; i++) {
		r = pbt_ptable_resolve(s->arena, schema, &cfg.tables[i], 0, &tables[n], err);
		if (r)
			goto out;
		if (opts->table && !pbt_ptable_matches(&tables[n], opts->table))
			continue;
		helpers |= tables[n].helpers;
		n++;
	}
	if (!n) {
		r = pbt_errf(err, PBT_EUSAGE, NULL, "no table '%s' in %s", opts->table, cfg.path);
		goto out;
	}
	pbt_ptables_sort(tables, n);
	pbt_sql_comment(&s->head, "pbtable ddl: %zu table%s.  Generated from the .proto files and",
			n, n == 1 ? "" : "s");
	pbt_sql_comment(&s->head, "%s; do not edit, generate again.", cfg.path);
	pbt_buf_adds(&s->head, "\n");
	pbt_ddl_helpers(&s->tx, helpers);
	for (i = 0; i < n; i++) {
		if (!prev_schema || strcmp(prev_schema, tables[i].schema)) {
			pbt_ddl_schema(&s->tx, tables[i].schema);
			prev_schema = tables[i].schema;
		}
		pbt_ddl_table(s, &tables[i], opts->strict ? PBT_DDL_STRICT : 0);
	}
	r = pbt_sql_check_utf8(s, set_path, err);
	if (r)
		goto out;
	*out = s;
	s = NULL;
	r = 0;
out:
	pbt_sql_free(s);
	pbt_schema_free(schema);
	pbt_ddl_config_release(&cfg);
	return r;
}
