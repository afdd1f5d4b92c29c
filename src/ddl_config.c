/*
 * pbtable.yaml's `tables:` section, read with libyaml through yaml_doc.h.
 * Every error names the file, line and column of the offending node.
 * Defaults that need no schema (table and view names) are filled here;
 * the ones that need the message (primary key, all-scalars) are ddl.c's.
 */
#include "ddl_config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "buf.h"
#include "desc_load.h"
#include "map.h"
#include "sql_quote.h"
#include "yaml_doc.h"

static struct pbt_loc loc_of(struct pbt_ddl_config *c, yaml_node_t *n)
{
	struct pbt_loc l = { c->path, pbt_yaml_line(n), pbt_yaml_col(n) };

	return l;
}

/* A non-empty scalar that fits in a PostgreSQL name. */
static int name_value(struct pbt_ddl_config *c, struct pbt_yaml *y, yaml_node_t *n,
		      const char *key, const char **out, struct pbt_err *err)
{
	const char *s = pbt_yaml_str(n);

	if (!s || !*s || pbt_yaml_is_null(n))
		return pbt_yaml_errf(err, y, n, "'%s' must be a non-empty name", key);
	if (strlen(s) > PBT_SQL_NAME_MAX)
		return pbt_yaml_errf(err, y, n,
				     "%s '%s' is longer than %d bytes (PostgreSQL would truncate it)",
				     key, s, PBT_SQL_NAME_MAX);
	*out = pbt_arena_strdup(c->arena, s);
	return 0;
}

static bool valid_path(const char *s)
{
	const char *p = s;

	/* Proto identifiers joined by dots: a.b.c */
	for (;;) {
		if (!(isalpha((unsigned char)*p) || *p == '_'))
			return false;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		if (!*p)
			return true;
		if (*p++ != '.')
			return false;
	}
}

static int path_value(struct pbt_yaml *y, yaml_node_t *n, const char *key,
		      const char **out, struct pbt_err *err)
{
	const char *s = pbt_yaml_str(n);

	if (!s || pbt_yaml_is_null(n) || !valid_path(s))
		return pbt_yaml_errf(err, y, n,
				     "'%s' must be a field path like 'ship_to.city'%s%s%s",
				     key, s ? " (got '" : "", s ? s : "", s ? "')" : "");
	*out = s;
	return 0;
}

static int parse_column(struct pbt_ddl_config *c, struct pbt_yaml *y, yaml_node_t *n,
			struct pbt_colsel *out, struct pbt_err *err)
{
	static const char *const known[] = { "field", "name", "type", NULL };
	yaml_node_t *v;
	const char *s;
	int r;

	memset(out, 0, sizeof(*out));
	out->loc = loc_of(c, n);
	if (n->type == YAML_SCALAR_NODE) {
		s = pbt_yaml_str(n);
		if (s && !strcmp(s, "all-scalars")) {
			out->kind = PBT_COLSEL_ALL_SCALARS;
			return 0;
		}
		r = path_value(y, n, "columns", &s, err);
		if (r)
			return r;
		out->path = pbt_arena_strdup(c->arena, s);
		return 0;
	}
	if (n->type != YAML_MAPPING_NODE)
		return pbt_yaml_errf(err, y, n,
				     "a column must be a field path, 'all-scalars' or a mapping with 'field'");
	r = pbt_yaml_known_keys(y, n, "a column", known, err);
	if (r)
		return r;
	v = pbt_yaml_get(y, n, "field");
	if (!v)
		return pbt_yaml_errf(err, y, n, "column mapping needs 'field'");
	r = path_value(y, v, "field", &s, err);
	if (r)
		return r;
	out->path = pbt_arena_strdup(c->arena, s);
	v = pbt_yaml_get(y, n, "name");
	if (v) {
		r = name_value(c, y, v, "column name", &out->name, err);
		if (r)
			return r;
		if (!strcmp(out->name, "data"))
			return pbt_yaml_errf(err, y, v,
					     "column name 'data' is taken by the message itself");
	}
	v = pbt_yaml_get(y, n, "type");
	if (v) {
		s = pbt_yaml_str(v);
		if (!s || !*s || pbt_yaml_is_null(v))
			return pbt_yaml_errf(err, y, v, "'type' must be a column type");
		out->type = pbt_arena_strdup(c->arena, s);
	}
	return 0;
}

static int parse_columns(struct pbt_ddl_config *c, struct pbt_yaml *y, yaml_node_t *n,
			 struct pbt_tablecfg *t, struct pbt_err *err)
{
	size_t i;
	int r;

	if (pbt_yaml_is_null(n))
		return 0;
	if (n->type == YAML_SCALAR_NODE) {
		t->cols = pbt_arena_calloc(c->arena, 1, sizeof(*t->cols));
		t->n_cols = 1;
		return parse_column(c, y, n, &t->cols[0], err);
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return pbt_yaml_errf(err, y, n, "'columns' must be 'all-scalars' or a list");
	t->n_cols = pbt_yaml_len(n);
	t->cols = pbt_arena_calloc(c->arena, t->n_cols, sizeof(*t->cols));
	for (i = 0; i < t->n_cols; i++) {
		r = parse_column(c, y, pbt_yaml_item(y, n, i), &t->cols[i], err);
		if (r)
			return r;
	}
	return 0;
}

static int parse_index(struct pbt_ddl_config *c, struct pbt_yaml *y, yaml_node_t *n,
		       struct pbt_idxcfg *ix, struct pbt_err *err)
{
	static const char *const known[] = { "columns", "using", "unique", "name", NULL };
	yaml_node_t *v, *one[1] = { NULL };
	size_t i, cnt;
	int r;

	memset(ix, 0, sizeof(*ix));
	ix->loc = loc_of(c, n);
	ix->method = "btree";
	if (n->type == YAML_SCALAR_NODE) {
		/* Shorthand: `- status` is a btree index on one column. */
		v = n;
	} else if (n->type == YAML_MAPPING_NODE) {
		r = pbt_yaml_known_keys(y, n, "an index", known, err);
		if (r)
			return r;
		v = pbt_yaml_get(y, n, "columns");
		if (!v)
			return pbt_yaml_errf(err, y, n, "index needs 'columns'");
	} else {
		return pbt_yaml_errf(err, y, n, "an index must be a column name or a mapping");
	}
	if (v->type == YAML_SCALAR_NODE) {
		one[0] = v;
		cnt = 1;
	} else if (v->type == YAML_SEQUENCE_NODE && pbt_yaml_len(v)) {
		cnt = pbt_yaml_len(v);
	} else {
		return pbt_yaml_errf(err, y, v, "'columns' must be a column name or a non-empty list");
	}
	ix->columns = pbt_arena_calloc(c->arena, cnt, sizeof(*ix->columns));
	ix->column_locs = pbt_arena_calloc(c->arena, cnt, sizeof(*ix->column_locs));
	ix->n_columns = cnt;
	for (i = 0; i < cnt; i++) {
		yaml_node_t *it = v->type == YAML_SCALAR_NODE ? one[0] : pbt_yaml_item(y, v, i);

		r = name_value(c, y, it, "index column", &ix->columns[i], err);
		if (r)
			return r;
		ix->column_locs[i] = loc_of(c, it);
	}
	if (n->type != YAML_MAPPING_NODE)
		return 0;
	v = pbt_yaml_get(y, n, "using");
	if (v) {
		const char *s = pbt_yaml_str(v);

		if (!s || (strcmp(s, "btree") && strcmp(s, "gin")))
			return pbt_yaml_errf(err, y, v, "index method '%s' is not supported (want btree or gin)",
					     s ? s : "?");
		ix->method = s[0] == 'b' ? "btree" : "gin";
	}
	v = pbt_yaml_get(y, n, "unique");
	if (v && !pbt_yaml_is_null(v) && !pbt_yaml_bool(v, &ix->unique))
		return pbt_yaml_errf(err, y, v, "'unique' must be true or false");
	if (ix->unique && !strcmp(ix->method, "gin"))
		return pbt_yaml_errf(err, y, n, "a gin index cannot be unique");
	v = pbt_yaml_get(y, n, "name");
	if (v) {
		r = name_value(c, y, v, "index name", &ix->name, err);
		if (r)
			return r;
	}
	return 0;
}

static int parse_table(struct pbt_ddl_config *c, struct pbt_yaml *y, yaml_node_t *n,
		       struct pbt_tablecfg *t, struct pbt_err *err)
{
	static const char *const known[] = {
		"message", "table", "schema", "primary_key", "columns", "indexes", "view", NULL,
	};
	const char *s, *dot, *simple;
	yaml_node_t *v;
	size_t i;
	int r;

	memset(t, 0, sizeof(*t));
	t->loc = loc_of(c, n);
	if (n->type != YAML_MAPPING_NODE)
		return pbt_yaml_errf(err, y, n, "each entry of 'tables' must be a mapping with 'message'");
	r = pbt_yaml_known_keys(y, n, "a table", known, err);
	if (r)
		return r;
	v = pbt_yaml_get(y, n, "message");
	if (!v)
		return pbt_yaml_errf(err, y, n, "table entry needs 'message' (a message full name)");
	s = pbt_yaml_str(v);
	if (s && s[0] == '.')
		s++;
	if (!s || !valid_path(s))
		return pbt_yaml_errf(err, y, v, "'message' must be a message full name like 'pkg.Order'");
	t->message = pbt_arena_strdup(c->arena, s);
	t->message_loc = loc_of(c, v);

	t->schema = "public";
	v = pbt_yaml_get(y, n, "schema");
	if (v) {
		r = name_value(c, y, v, "schema", &t->schema, err);
		if (r)
			return r;
	}
	v = pbt_yaml_get(y, n, "table");
	if (v) {
		s = pbt_yaml_str(v);
		dot = s && !pbt_yaml_get(y, n, "schema") ? strchr(s, '.') : NULL;
		if (dot) {
			/* "shop.orders"; with an explicit schema: the table name as is */
			char *sch = pbt_arena_strndup(c->arena, s, (size_t)(dot - s));

			if (!*sch || strlen(sch) > PBT_SQL_NAME_MAX)
				return pbt_yaml_errf(err, y, v, "bad schema name in table '%s'", s);
			t->schema = sch;
			s = dot + 1;
		}
		if (!s || !*s || pbt_yaml_is_null(v))
			return pbt_yaml_errf(err, y, v, "'table' must be a non-empty name");
		if (strlen(s) > PBT_SQL_NAME_MAX)
			return pbt_yaml_errf(err, y, v,
					     "table '%s' is longer than %d bytes (PostgreSQL would truncate it)",
					     s, PBT_SQL_NAME_MAX);
		t->table = pbt_arena_strdup(c->arena, s);
	} else {
		simple = strrchr(t->message, '.');
		t->table = pbt_snake_case(c->arena, simple ? simple + 1 : t->message);
	}

	v = pbt_yaml_get(y, n, "primary_key");
	if (v) {
		r = path_value(y, v, "primary_key", &s, err);
		if (r)
			return r;
		t->primary_key = pbt_arena_strdup(c->arena, s);
		t->pk_loc = loc_of(c, v);
	}

	v = pbt_yaml_get(y, n, "view");
	t->view = NULL;
	if (v && !pbt_yaml_is_null(v)) {
		bool on;

		if (pbt_yaml_bool(v, &on) && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
			if (on)
				v = NULL;	/* the default name */
			else
				t->view = "";
		} else {
			r = name_value(c, y, v, "view", &t->view, err);
			if (r)
				return r;
		}
	} else {
		v = NULL;
	}
	if (!t->view) {
		const char *parts[2] = { t->table, "v" };
		struct pbt_buf b = PBT_BUF_INIT;

		pbt_sql_derived_name(&b, parts, 2);
		t->view = pbt_arena_strdup(c->arena, pbt_buf_str(&b));
		pbt_buf_release(&b);
	} else if (!*t->view) {
		t->view = NULL;
	}

	v = pbt_yaml_get(y, n, "columns");
	if (v) {
		r = parse_columns(c, y, v, t, err);
		if (r)
			return r;
	}
	v = pbt_yaml_get(y, n, "indexes");
	if (v && !pbt_yaml_is_null(v)) {
		if (v->type != YAML_SEQUENCE_NODE)
			return pbt_yaml_errf(err, y, v, "'indexes' must be a list");
		t->n_indexes = pbt_yaml_len(v);
		t->indexes = pbt_arena_calloc(c->arena, t->n_indexes, sizeof(*t->indexes));
		for (i = 0; i < t->n_indexes; i++) {
			r = parse_index(c, y, pbt_yaml_item(y, v, i), &t->indexes[i], err);
			if (r)
				return r;
		}
	}
	return 0;
}

/*
 * The tables and views configured so far, by "schema\0name", each the
 * first with that name: names are checked with one probe per table, not
 * against every earlier table.
 */
struct names {
	struct pbt_map tables, views;
};

/* "schema\0name" in c's arena; *len excludes the final NUL. */
static const char *name_key(struct pbt_ddl_config *c, const char *schema,
			    const char *name, size_t *len)
{
	size_t ls = strlen(schema), ln = strlen(name);
	char *k = pbt_arena_alloc(c->arena, ls + ln + 2);

	memcpy(k, schema, ls + 1);
	memcpy(k + ls + 1, name, ln + 1);
	*len = ls + ln + 1;
	return k;
}

/* The earlier of two tables (NULL: none); a tie is a. */
static const struct pbt_tablecfg *first_of(const struct pbt_tablecfg *a,
					   const struct pbt_tablecfg *b)
{
	return !a || (b && b < a) ? b : a;
}

/*
 * t (just parsed) against the tables before it, and then against them
 * and itself: the first conflict in file order, as a scan of the earlier
 * tables would find it.
 */
static int check_names(struct pbt_ddl_config *c, struct pbt_yaml *y,
		       yaml_node_t *n, const struct pbt_tablecfg *t,
		       struct names *nm, struct pbt_err *err)
{
	const struct pbt_tablecfg *dt, *dv = NULL, *vt = NULL, *tv;
	const char *tkey, *vkey = NULL;
	size_t tlen, vlen = 0;

	tkey = name_key(c, t->schema, t->table, &tlen);
	dt = pbt_map_getn(&nm->tables, tkey, tlen);
	if (t->view) {
		vkey = name_key(c, t->schema, t->view, &vlen);
		dv = pbt_map_getn(&nm->views, vkey, vlen);
	}
	if (dt && first_of(dt, dv) == dt)
		return pbt_yaml_errf(err, y, n, "table '%s.%s' is configured twice (first at line %u)",
				     t->schema, t->table, dt->loc.line);
	if (dv)
		return pbt_yaml_errf(err, y, n, "view '%s.%s' is configured twice (first at line %u)",
				     t->schema, t->view, dv->loc.line);
	pbt_map_putn(&nm->tables, tkey, tlen, (void *)t);
	if (t->view)
		pbt_map_putn(&nm->views, vkey, vlen, (void *)t);
	/* Now t is among them: its view may have its own table's name. */
	if (t->view)
		vt = pbt_map_getn(&nm->tables, vkey, vlen);
	tv = pbt_map_getn(&nm->views, tkey, tlen);
	if (vt && first_of(vt, tv) == vt)
		return pbt_yaml_errf(err, y, n, "view '%s.%s' has the name of a table",
				     t->schema, t->view);
	if (tv)
		return pbt_yaml_errf(err, y, n, "table '%s.%s' has the name of a view",
				     t->schema, t->table);
	return 0;
}

int pbt_ddl_config_parse(struct pbt_ddl_config *c, const char *name,
			 const char *text, size_t len, struct pbt_err *err)
{
	struct pbt_yaml y;
	yaml_node_t *root, *tables;
	struct names names;
	size_t i;
	int r;

	memset(c, 0, sizeof(*c));
	c->arena = pbt_arena_new();
	c->path = pbt_arena_strdup(c->arena, name);
	r = pbt_yaml_load(&y, c->path, text, len, err);
	if (r)
		return r;
	root = pbt_yaml_root(&y);
	if (!root || root->type != YAML_MAPPING_NODE) {
		r = pbt_errf(err, PBT_ECONFIG, &(struct pbt_loc){ c->path, root ? pbt_yaml_line(root) : 0, 0 },
			     "expected a mapping with a 'tables' list");
		goto out;
	}
	tables = pbt_yaml_get(&y, root, "tables");
	if (!tables || pbt_yaml_is_null(tables)) {
		r = pbt_errf(err, PBT_ECONFIG, &(struct pbt_loc){ c->path, 0, 0 },
			     "no 'tables' section: nothing to generate");
		pbt_err_detail(err, "add e.g.  tables: [{message: pkg.Order}]");
		goto out;
	}
	if (tables->type != YAML_SEQUENCE_NODE || !pbt_yaml_len(tables)) {
		r = pbt_yaml_errf(err, &y, tables, "'tables' must be a non-empty list");
		goto out;
	}
	c->n_tables = pbt_yaml_len(tables);
	c->tables = pbt_arena_calloc(c->arena, c->n_tables, sizeof(*c->tables));
	pbt_map_init(&names.tables, c->arena, c->n_tables);
	pbt_map_init(&names.views, c->arena, c->n_tables);
	for (i = 0; i < c->n_tables; i++) {
		yaml_node_t *n = pbt_yaml_item(&y, tables, i);
		struct pbt_tablecfg *t = &c->tables[i];

		r = parse_table(c, &y, n, t, err);
		if (r)
			goto out;
		r = check_names(c, &y, n, t, &names, err);
		if (r)
			goto out;
	}
	r = 0;
out:
	pbt_yaml_release(&y);
	return r;
}

int pbt_ddl_config_load(struct pbt_ddl_config *c, const char *path,
			struct pbt_err *err)
{
	unsigned char *data;
	struct stat st;
	size_t len;
	int r;

	if (!path) {
		path = "pbtable.yaml";
		if (stat(path, &st)) {
			memset(c, 0, sizeof(*c));
			return pbt_errf(err, PBT_ECONFIG, NULL,
					"no pbtable.yaml here and no --config given");
		}
	}
	r = pbt_read_file(path, &data, &len, err);
	if (r) {
		memset(c, 0, sizeof(*c));
		err->code = PBT_ECONFIG;
		return -PBT_ECONFIG;
	}
	r = pbt_ddl_config_parse(c, path, (const char *)data, len, err);
	free(data);
	return r;
}

void pbt_ddl_config_release(struct pbt_ddl_config *c)
{
	pbt_arena_free(c->arena);
	memset(c, 0, sizeof(*c));
}

char *pbt_snake_case(struct pbt_arena *a, const char *name)
{
	size_t n = strlen(name), i, o = 0;
	char *out = pbt_arena_alloc(a, 2 * n + 1);

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (isupper(ch)) {
			bool prev_lower = i && (islower((unsigned char)name[i - 1]) ||
						isdigit((unsigned char)name[i - 1]));
			bool acronym_end = i && isupper((unsigned char)name[i - 1]) &&
					   i + 1 < n && islower((unsigned char)name[i + 1]);

			if ((prev_lower || acronym_end) && o && out[o - 1] != '_')
				out[o++] = '_';
			out[o++] = (char)tolower(ch);
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o] = '\0';
	return out;
}
