/*
 * Reading a live catalog for `drift`.  One query per object kind
 * (relations, columns, indexes, constraints, triggers, rules, functions),
 * each taking the wanted names or OIDs as one array parameter, so 1 table
 * or 1,000 cost the same number of round trips; each result read by
 * column name, the numbers looked up once per query (pg_dump's habit).
 * Rows are copied into the caller's arena and the results cleared.
 *
 * Everything runs in pgconn.c's read-only snapshot: one REPEATABLE READ
 * READ ONLY transaction with search_path = pg_catalog, so the deparser
 * qualifies every name the same way whatever the reader's search_path,
 * and it works on a hot standby.  What the rows mean (drift or not) is
 * drift.c's business.
 */
#include "pgcat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "buf.h"
#include "sql_quote.h"

int pbt_pgcat_open(struct pbt_pgcat *cat, struct pbt_arena *arena,
		   const char *dsn, const struct pbt_pgcat_opts *o,
		   struct pbt_err *err)
{
	int r;

	memset(cat, 0, sizeof(*cat));
	cat->arena = arena;
	r = pbt_pgconn_open(&cat->conn, arena, dsn, o->connect_timeout, err);
	if (!r)
		r = pbt_pgconn_snapshot(&cat->conn, o->statement_timeout, err);
	if (r)
		pbt_pgconn_close(&cat->conn);
	return r;
}

void pbt_pgcat_close(struct pbt_pgcat *cat)
{
	pbt_pgconn_close(&cat->conn);
}

/* ---------------------------------------------------------------- arrays */

/* Append s as an element of a text[] literal: "..." with \ and " escaped. */
static void array_elem(struct pbt_buf *b, const char *s)
{
	pbt_buf_addc(b, b->len ? ',' : '{');
	pbt_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			pbt_buf_addc(b, '\\');
		pbt_buf_addc(b, *s);
	}
	pbt_buf_addc(b, '"');
}

static void array_end(struct pbt_buf *b)
{
	if (!b->len)
		pbt_buf_addc(b, '{');
	pbt_buf_addc(b, '}');
}

/* ---------------------------------------------------------------- rows */

/* A result column by the name its SELECT gives it. */
static int col(const PGresult *res, const char *name)
{
	return pbt_pgconn_col(res, name);
}

static const char *val(struct pbt_pgcat *cat, PGresult *res, int row, int i)
{
	if (PQgetisnull(res, row, i))
		return NULL;
	return pbt_arena_strdup(cat->arena, PQgetvalue(res, row, i));
}

static bool bval(PGresult *res, int row, int i)
{
	return !PQgetisnull(res, row, i) &&
	       !strcmp(PQgetvalue(res, row, i), "t");
}

static char cval(PGresult *res, int row, int i)
{
	return PQgetisnull(res, row, i) ? 0 : PQgetvalue(res, row, i)[0];
}

static int ival(PGresult *res, int row, int i)
{
	return atoi(PQgetvalue(res, row, i));
}

struct oidmap {
	unsigned oid;
	struct pbt_pgcat_rel *rel;
};

static int cmp_oid(const void *a, const void *b)
{
	const struct oidmap *x = a, *y = b;

	return x->oid < y->oid ? -1 : x->oid > y->oid;
}

/* The relations the per-OID queries asked about, sorted by OID. */
struct rels {
	const struct oidmap *v;
	size_t n;
};

/* A relation's rows: [first, first + n) of a result ordered by OID. */
struct run {
	struct pbt_pgcat_rel *rel;
	int first, n;
};

/*
 * The next run of rows whose column i_rel holds one relation's OID, from
 * *row on (rows come ordered by it); false when none is left.
 */
static bool next_run(const struct rels *m, PGresult *res, int i_rel, int *row,
		     struct run *out)
{
	int rows = PQntuples(res);

	while (*row < rows) {
		const char *oid = PQgetvalue(res, *row, i_rel);
		struct oidmap key = { (unsigned)strtoul(oid, NULL, 10), NULL };
		const struct oidmap *hit;
		int j = *row + 1;

		while (j < rows && !strcmp(PQgetvalue(res, j, i_rel), oid))
			j++;
		hit = bsearch(&key, m->v, m->n, sizeof(*m->v), cmp_oid);
		out->rel = hit ? hit->rel : NULL;
		out->first = *row;
		out->n = j - *row;
		*row = j;
		if (out->rel)
			return true;
	}
	return false;
}

/*
 * "2 5" (int2vector) or "{2,5}" (int2[]) as the columns' names, quoted as
 * quote_ident() does and joined by ", "; an expression's 0 stays out.
 */
static const char *attnames(struct pbt_pgcat *cat,
			    const struct pbt_pgcat_rel *rel, const char *nums)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *p = nums, *out;
	size_t i;

	while (p && *p) {
		long n;
		char *end;

		if (*p < '0' || *p > '9') {
			p++;
			continue;
		}
		n = strtol(p, &end, 10);
		p = end;
		for (i = 0; i < rel->n_cols; i++) {
			if (rel->cols[i].attnum != n)
				continue;
			if (b.len)
				pbt_buf_adds(&b, ", ");
			pbt_sql_ident(&b, rel->cols[i].name);
		}
	}
	out = pbt_arena_strdup(cat->arena, pbt_buf_str(&b));
	pbt_buf_release(&b);
	return out;
}

/* ---------------------------------------------------------------- queries */

/*
 * Each query with the function that reads its result: the columns by the
 * names the SELECT gives them.
 */

/*
 * Relations by name.  The comment comes from pg_description directly:
 * obj_description() is an SQL function, and calling it per row costs
 * more than the rest of the query.
 */
static const char q_rels[] =
	"SELECT w.i::int AS wanted, c.oid::int8 AS oid,\n"
	"       c.relkind::text AS kind, ds.description AS comment,\n"
	"       CASE WHEN c.relkind = 'v'\n"
	"            THEN pg_get_viewdef(c.oid, true) END AS viewdef\n"
	"FROM unnest($1::text[], $2::text[])\n"
	"     WITH ORDINALITY AS w(nsp, rel, i)\n"
	"JOIN pg_namespace n ON n.nspname = w.nsp\n"
	"JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.rel\n"
	"LEFT JOIN pg_description ds ON ds.objoid = c.oid\n"
	"     AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0";

static void read_rels(struct pbt_pgcat *cat, PGresult *res, size_t n)
{
	int i_wanted = col(res, "wanted"), i_oid = col(res, "oid");
	int i_kind = col(res, "kind"), i_comment = col(res, "comment");
	int i_viewdef = col(res, "viewdef");
	int row;

	for (row = 0; row < PQntuples(res); row++) {
		size_t at = (size_t)ival(res, row, i_wanted);
		struct pbt_pgcat_rel *r;

		if (at < 1 || at > n)
			continue;
		r = pbt_arena_zalloc(cat->arena, sizeof(*r));
		r->oid = (unsigned)strtoul(PQgetvalue(res, row, i_oid), NULL,
					   10);
		r->kind = cval(res, row, i_kind);
		r->comment = val(cat, res, row, i_comment);
		r->viewdef = val(cat, res, row, i_viewdef);
		cat->rels[at - 1] = r;
	}
}

static const char q_cols[] =
	"SELECT a.attrelid::int8 AS rel, a.attnum::int AS attnum,\n"
	"       a.attname AS name,\n"
	"       format_type(a.atttypid, a.atttypmod) AS type,\n"
	"       a.attnotnull AS notnull,\n"
	"       nullif(a.attgenerated, '')::text AS generated,\n"
	"       nullif(a.attidentity, '')::text AS identity,\n"
	"       pg_get_expr(d.adbin, d.adrelid) AS expr,\n"
	"       ds.description AS comment\n"
	"FROM pg_attribute a\n"
	"LEFT JOIN pg_attrdef d\n"
	"     ON d.adrelid = a.attrelid AND d.adnum = a.attnum\n"
	"LEFT JOIN pg_description ds ON ds.objoid = a.attrelid\n"
	"     AND ds.classoid = 'pg_class'::regclass\n"
	"     AND ds.objsubid = a.attnum\n"
	"WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0\n"
	"      AND NOT a.attisdropped\n"
	"ORDER BY rel, attnum";

static void read_cols(struct pbt_pgcat *cat, const struct rels *m,
		      PGresult *res)
{
	int i_rel = col(res, "rel"), i_attnum = col(res, "attnum");
	int i_name = col(res, "name"), i_type = col(res, "type");
	int i_notnull = col(res, "notnull");
	int i_generated = col(res, "generated");
	int i_identity = col(res, "identity"), i_expr = col(res, "expr");
	int i_comment = col(res, "comment");
	struct run r;
	int row = 0, k;

	while (next_run(m, res, i_rel, &row, &r)) {
		r.rel->cols = pbt_arena_calloc(cat->arena, (size_t)r.n,
					       sizeof(*r.rel->cols));
		r.rel->n_cols = (size_t)r.n;
		for (k = 0; k < r.n; k++) {
			struct pbt_pgcat_col *c = &r.rel->cols[k];
			int at = r.first + k;

			c->attnum = ival(res, at, i_attnum);
			c->name = val(cat, res, at, i_name);
			c->type = val(cat, res, at, i_type);
			c->notnull = bval(res, at, i_notnull);
			c->generated = cval(res, at, i_generated);
			c->identity = cval(res, at, i_identity);
			c->expr = val(cat, res, at, i_expr);
			c->comment = val(cat, res, at, i_comment);
		}
	}
}

/*
 * Key columns come as attnums (indkey) and are named from the columns
 * already read: a subquery per index, like pg_get_indexdef() per index,
 * cost more than the rest of the query put together.  The non-default
 * operator classes are one array, computed once.
 */
static const char q_indexes[] =
	"SELECT i.indrelid::int8 AS rel, c.relname AS name,\n"
	"       i.indisunique AS is_unique, i.indisprimary AS is_primary,\n"
	"       i.indisvalid AS is_valid, am.amname AS method,\n"
	"       i.indexprs IS NULL AND i.indpred IS NULL\n"
	"       AND i.indnkeyatts = i.indnatts\n"
	"       AND i.indoption::text ~ '^[0 ]*$'\n"
	"       AND NOT i.indclass::oid[] &&\n"
	"           ARRAY(SELECT oid FROM pg_opclass WHERE NOT opcdefault)\n"
	"         AS plain,\n"
	"       i.indkey::text AS keys, ds.description AS comment\n"
	"FROM pg_index i\n"
	"JOIN pg_class c ON c.oid = i.indexrelid\n"
	"JOIN pg_am am ON am.oid = c.relam\n"
	"LEFT JOIN pg_description ds ON ds.objoid = c.oid\n"
	"     AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0\n"
	"WHERE i.indrelid = ANY ($1::oid[])\n"
	"ORDER BY rel, name";

static void read_indexes(struct pbt_pgcat *cat, const struct rels *m,
			 PGresult *res)
{
	int i_rel = col(res, "rel"), i_name = col(res, "name");
	int i_unique = col(res, "is_unique");
	int i_primary = col(res, "is_primary");
	int i_valid = col(res, "is_valid"), i_method = col(res, "method");
	int i_plain = col(res, "plain"), i_keys = col(res, "keys");
	int i_comment = col(res, "comment");
	struct run r;
	int row = 0, k;

	while (next_run(m, res, i_rel, &row, &r)) {
		r.rel->indexes = pbt_arena_calloc(cat->arena, (size_t)r.n,
						  sizeof(*r.rel->indexes));
		r.rel->n_indexes = (size_t)r.n;
		for (k = 0; k < r.n; k++) {
			struct pbt_pgcat_index *x = &r.rel->indexes[k];
			int at = r.first + k;

			x->name = val(cat, res, at, i_name);
			x->unique = bval(res, at, i_unique);
			x->primary = bval(res, at, i_primary);
			x->valid = bval(res, at, i_valid);
			x->method = val(cat, res, at, i_method);
			x->plain = bval(res, at, i_plain);
			x->columns = attnames(cat, r.rel,
					      PQgetvalue(res, at, i_keys));
			x->comment = val(cat, res, at, i_comment);
		}
	}
}

static const char q_cons[] =
	"SELECT co.conrelid::int8 AS rel, co.conname AS name,\n"
	"       co.contype::text AS type, co.convalidated AS validated,\n"
	"       co.conkey::text AS keys,\n"
	"       CASE WHEN co.contype <> 'p'\n"
	"            THEN pg_get_constraintdef(co.oid) END AS def\n"
	"FROM pg_constraint co\n"
	"WHERE co.conrelid = ANY ($1::oid[])\n"
	"ORDER BY rel, name";

static void read_cons(struct pbt_pgcat *cat, const struct rels *m,
		      PGresult *res)
{
	int i_rel = col(res, "rel"), i_name = col(res, "name");
	int i_type = col(res, "type"), i_validated = col(res, "validated");
	int i_keys = col(res, "keys"), i_def = col(res, "def");
	struct run r;
	int row = 0, k;

	while (next_run(m, res, i_rel, &row, &r)) {
		r.rel->cons = pbt_arena_calloc(cat->arena, (size_t)r.n,
					       sizeof(*r.rel->cons));
		r.rel->n_cons = (size_t)r.n;
		for (k = 0; k < r.n; k++) {
			struct pbt_pgcat_con *x = &r.rel->cons[k];
			int at = r.first + k;

			x->name = val(cat, res, at, i_name);
			x->type = cval(res, at, i_type);
			x->validated = bval(res, at, i_validated);
			x->columns = attnames(cat, r.rel,
					      PQgetvalue(res, at, i_keys));
			x->def = val(cat, res, at, i_def);
		}
	}
}

static const char q_triggers[] =
	"SELECT t.tgrelid::int8 AS rel, t.tgname AS name,\n"
	"       t.tgtype::int AS type, t.tgenabled::text AS enabled,\n"
	"       t.tgnargs = 0 AND t.tgqual IS NULL AS plain,\n"
	"       n.nspname AS fn_schema, p.proname AS fn_name,\n"
	"       p.pronargs::int AS fn_nargs\n"
	"FROM pg_trigger t\n"
	"JOIN pg_proc p ON p.oid = t.tgfoid\n"
	"JOIN pg_namespace n ON n.oid = p.pronamespace\n"
	"WHERE t.tgrelid = ANY ($1::oid[]) AND NOT t.tgisinternal\n"
	"ORDER BY rel, name";

static void read_triggers(struct pbt_pgcat *cat, const struct rels *m,
			  PGresult *res)
{
	int i_rel = col(res, "rel"), i_name = col(res, "name");
	int i_type = col(res, "type"), i_enabled = col(res, "enabled");
	int i_plain = col(res, "plain"), i_fn_schema = col(res, "fn_schema");
	int i_fn_name = col(res, "fn_name"), i_fn_nargs = col(res, "fn_nargs");
	struct run r;
	int row = 0, k;

	while (next_run(m, res, i_rel, &row, &r)) {
		r.rel->triggers = pbt_arena_calloc(cat->arena, (size_t)r.n,
						   sizeof(*r.rel->triggers));
		r.rel->n_triggers = (size_t)r.n;
		for (k = 0; k < r.n; k++) {
			struct pbt_pgcat_trigger *x = &r.rel->triggers[k];
			int at = r.first + k;

			x->name = val(cat, res, at, i_name);
			x->type = ival(res, at, i_type);
			x->enabled = cval(res, at, i_enabled);
			x->plain = bval(res, at, i_plain);
			x->fn_schema = val(cat, res, at, i_fn_schema);
			x->fn_name = val(cat, res, at, i_fn_name);
			x->fn_nargs = ival(res, at, i_fn_nargs);
		}
	}
}

static const char q_rules[] =
	"SELECT r.ev_class::int8 AS rel, r.rulename AS name\n"
	"FROM pg_rewrite r\n"
	"WHERE r.ev_class = ANY ($1::oid[]) AND r.rulename <> '_RETURN'\n"
	"ORDER BY rel, name";

static void read_rules(struct pbt_pgcat *cat, const struct rels *m,
		       PGresult *res)
{
	int i_rel = col(res, "rel"), i_name = col(res, "name");
	struct run r;
	int row = 0, k;

	while (next_run(m, res, i_rel, &row, &r)) {
		r.rel->rules = pbt_arena_calloc(cat->arena, (size_t)r.n,
						sizeof(*r.rel->rules));
		r.rel->n_rules = (size_t)r.n;
		for (k = 0; k < r.n; k++)
			r.rel->rules[k] = val(cat, res, r.first + k, i_name);
	}
}

/* body_sha as ddl.c computes it, by the server: sha256() is PG 11+ */
static const char q_funcs[] =
	"SELECT w.i::int AS wanted,\n"
	"       oidvectortypes(p.proargtypes) AS argtypes,\n"
	"       pg_get_function_result(p.oid) AS result,\n"
	"       l.lanname AS lang, p.provolatile::text AS volatility,\n"
	"       p.proparallel::text AS parallel,\n"
	"       left(encode(sha256(convert_to(p.prosrc, 'UTF8')), 'hex'),\n"
	"            16) AS body_sha,\n"
	"       ds.description AS comment\n"
	"FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS w(nsp, fn, i)\n"
	"JOIN pg_namespace n ON n.nspname = w.nsp\n"
	"JOIN pg_proc p ON p.pronamespace = n.oid AND p.proname = w.fn\n"
	"JOIN pg_language l ON l.oid = p.prolang\n"
	"LEFT JOIN pg_description ds ON ds.objoid = p.oid\n"
	"     AND ds.classoid = 'pg_proc'::regclass AND ds.objsubid = 0\n"
	"ORDER BY wanted, argtypes";

static void read_funcs(struct pbt_pgcat *cat, PGresult *res, size_t n)
{
	int i_wanted = col(res, "wanted"), i_argtypes = col(res, "argtypes");
	int i_result = col(res, "result"), i_lang = col(res, "lang");
	int i_volatility = col(res, "volatility");
	int i_parallel = col(res, "parallel");
	int i_body_sha = col(res, "body_sha");
	int i_comment = col(res, "comment");
	int row;

	/* in reverse, so the chains come out in the query's order */
	for (row = PQntuples(res) - 1; row >= 0; row--) {
		size_t at = (size_t)ival(res, row, i_wanted);
		struct pbt_pgcat_func *f;

		if (at < 1 || at > n)
			continue;
		f = pbt_arena_zalloc(cat->arena, sizeof(*f));
		f->argtypes = val(cat, res, row, i_argtypes);
		f->result = val(cat, res, row, i_result);
		f->lang = val(cat, res, row, i_lang);
		f->volatility = cval(res, row, i_volatility);
		f->parallel = cval(res, row, i_parallel);
		f->body_sha = val(cat, res, row, i_body_sha);
		f->comment = val(cat, res, row, i_comment);
		f->next = cat->funcs[at - 1];
		cat->funcs[at - 1] = f;
	}
}

/* Wanted names as two text[] parameters: schemas and names. */
static PGresult *by_name(struct pbt_pgcat *cat, const char *detail,
			 const char *sql, const struct pbt_pgcat_name *v,
			 size_t n, struct pbt_err *err)
{
	struct pbt_buf nsp = PBT_BUF_INIT, names = PBT_BUF_INIT;
	const char *params[2];
	PGresult *res;
	size_t i;

	for (i = 0; i < n; i++) {
		array_elem(&nsp, v[i].schema);
		array_elem(&names, v[i].name);
	}
	array_end(&nsp);
	array_end(&names);
	params[0] = nsp.buf;
	params[1] = names.buf;
	res = pbt_pgconn_query(&cat->conn, detail, sql, 2, params, err);
	pbt_buf_release(&nsp);
	pbt_buf_release(&names);
	return res;
}

int pbt_pgcat_read(struct pbt_pgcat *cat, const struct pbt_pgcat_name *rels,
		   size_t n_rels, const struct pbt_pgcat_name *funcs,
		   size_t n_funcs, struct pbt_err *err)
{
	static const struct {
		const char *detail, *sql;
		void (*read)(struct pbt_pgcat *, const struct rels *,
			     PGresult *);
	} kinds[] = {
		{ "while reading columns", q_cols, read_cols },
		{ "while reading indexes", q_indexes, read_indexes },
		{ "while reading constraints", q_cons, read_cons },
		{ "while reading triggers", q_triggers, read_triggers },
		{ "while reading rules", q_rules, read_rules },
	};
	struct pbt_buf oids = PBT_BUF_INIT;
	struct oidmap *m;
	struct rels map;
	PGresult *res;
	size_t i, n_map = 0;
	int r = 0;

	cat->rels = pbt_arena_calloc(cat->arena, n_rels + 1,
				     sizeof(*cat->rels));
	cat->funcs = pbt_arena_calloc(cat->arena, n_funcs + 1,
				      sizeof(*cat->funcs));
	res = by_name(cat, "while reading relations", q_rels, rels, n_rels,
		      err);
	if (!res)
		return -PBT_EDB;
	read_rels(cat, res, n_rels);
	PQclear(res);
	m = pbt_arena_calloc(cat->arena, n_rels + 1, sizeof(*m));
	pbt_buf_addc(&oids, '{');
	for (i = 0; i < n_rels; i++) {
		if (!cat->rels[i])
			continue;
		pbt_buf_addf(&oids, "%s%u", n_map ? "," : "",
			     cat->rels[i]->oid);
		m[n_map].oid = cat->rels[i]->oid;
		m[n_map++].rel = cat->rels[i];
	}
	pbt_buf_addc(&oids, '}');
	qsort(m, n_map, sizeof(*m), cmp_oid);
	{
		/* a relation asked for twice is one relation */
		size_t k = 0;

		for (i = 0; i < n_map; i++)
			if (!k || m[k - 1].oid != m[i].oid)
				m[k++] = m[i];
		n_map = k;
		for (i = 0; i < n_rels; i++) {
			struct oidmap key = { 0, NULL }, *hit;

			if (!cat->rels[i])
				continue;
			key.oid = cat->rels[i]->oid;
			hit = bsearch(&key, m, n_map, sizeof(*m), cmp_oid);
			cat->rels[i] = hit->rel;
		}
	}
	map.v = m;
	map.n = n_map;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && n_map; i++) {
		const char *params[1] = { oids.buf };

		res = pbt_pgconn_query(&cat->conn, kinds[i].detail,
				       kinds[i].sql, 1, params, err);
		if (!res) {
			r = -PBT_EDB;
			goto out;
		}
		kinds[i].read(cat, &map, res);
		PQclear(res);
	}
	if (n_funcs) {
		res = by_name(cat, "while reading functions", q_funcs, funcs,
			      n_funcs, err);
		if (!res) {
			r = -PBT_EDB;
			goto out;
		}
		read_funcs(cat, res, n_funcs);
		PQclear(res);
	}
out:
	pbt_buf_release(&oids);
	return r;
}

/* ---------------------------------------------------------------- compare */

/* The Output lists of all the EXPLAINs' plans: (plan, position, text). */
static const char q_outputs[] =
	"SELECT u.i::int AS plan, e.o::int AS pos, e.x AS output\n"
	"FROM unnest($1::text[]) WITH ORDINALITY AS u(p, i),\n"
	"     jsonb_array_elements_text(\n"
	"         coalesce(u.p::jsonb -> 0 -> 'Plan' -> 'Output', '[]'))\n"
	"     WITH ORDINALITY AS e(x, o)";

/* Pairs per EXPLAIN: two target entries each, and PostgreSQL allows 1664. */
#define CMP_CHUNK 800

static int cmp_by_rel(const void *a, const void *b)
{
	const struct pbt_pgcat_cmp *const *x = a, *const *y = b;

	if ((*x)->rel != (*y)->rel)
		return (*x)->rel < (*y)->rel ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

static void explain_sql(struct pbt_buf *b, struct pbt_pgcat_cmp *const *v,
			size_t n)
{
	const struct pbt_pgcat_rel *rel = v[0]->rel;
	size_t i;

	pbt_buf_adds(b, "EXPLAIN (VERBOSE, COSTS OFF, FORMAT JSON) SELECT ");
	for (i = 0; i < n; i++)
		pbt_buf_addf(b, "%s(%s),\n(%s)", i ? ",\n" : "", v[i]->want,
			     v[i]->live);
	/*
	 * The relation's columns with their types, from a function scan:
	 * nothing to read, no privilege needed, and the planner cannot fold
	 * a column into a constant.
	 */
	pbt_buf_adds(b, "\nFROM pg_catalog.jsonb_to_record('{}') AS pbt_v(");
	for (i = 0; i < rel->n_cols; i++) {
		if (i)
			pbt_buf_adds(b, ", ");
		pbt_sql_ident(b, rel->cols[i].name);
		pbt_buf_addf(b, " %s", rel->cols[i].type);
	}
	pbt_buf_adds(b, ")");
}

int pbt_pgcat_compare(struct pbt_pgcat *cat, struct pbt_pgcat_cmp *v, size_t n,
		      struct pbt_err *err)
{
	struct pbt_pgcat_cmp **order, ***chunks;
	struct pbt_buf sql = PBT_BUF_INIT, plans = PBT_BUF_INIT;
	const char **out;
	size_t *chunk_n, n_chunks = 0, i, k;
	PGresult *res;
	int r = 0, row, i_plan, i_pos, i_output;

	if (!n)
		return 0;
	order = pbt_xcalloc(n, sizeof(*order));
	chunks = pbt_xcalloc(n, sizeof(*chunks));
	chunk_n = pbt_xcalloc(n, sizeof(*chunk_n));
	out = pbt_xcalloc(2 * n, sizeof(*out));
	for (i = 0; i < n; i++) {
		order[i] = &v[i];
		v[i].same = false;
		v[i].note = NULL;
	}
	qsort(order, n, sizeof(*order), cmp_by_rel);
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && order[k]->rel == order[i]->rel &&
				k - i < CMP_CHUNK;
		     k++)
			;
		chunks[n_chunks] = order + i;
		chunk_n[n_chunks++] = k - i;
	}
	for (i = 0; i < n_chunks; i++) {
		PGresult *ex;

		pbt_buf_reset(&sql);
		explain_sql(&sql, chunks[i], chunk_n[i]);
		/* a failed EXPLAIN must not end the transaction */
		r = pbt_pgconn_exec(&cat->conn, "while comparing expressions",
				    "SAVEPOINT pbt_compare", err);
		if (r)
			goto out;
		ex = pbt_pgconn_query(&cat->conn, "while comparing expressions",
				      sql.buf, 0, NULL, err);
		/*
		 * Cancelled (statement_timeout), out of resources, connection
		 * trouble: an error, not a verdict on the expressions.
		 */
		if (!ex && (PQstatus(cat->conn.conn) == CONNECTION_BAD ||
			    !strncmp(cat->conn.sqlstate, "57", 2) ||
			    !strncmp(cat->conn.sqlstate, "53", 2) ||
			    !strncmp(cat->conn.sqlstate, "08", 2))) {
			r = -PBT_EDB;
			goto out;
		}
		if (!ex) {
			const char *note =
				pbt_arena_printf(cat->arena,
						 "the server could not "
						 "compare them: %s",
						 err->msg);

			for (k = 0; k < chunk_n[i]; k++)
				chunks[i][k]->note = note;
			pbt_err_clear(err);
			r = pbt_pgconn_exec(&cat->conn,
					    "while comparing expressions",
					    "ROLLBACK TO SAVEPOINT pbt_compare",
					    err);
			if (r)
				goto out;
			array_elem(&plans, "[]");
			continue;
		}
		array_elem(&plans,
			   PQgetvalue(ex, 0, col(ex, "\"QUERY PLAN\"")));
		PQclear(ex);
		r = pbt_pgconn_exec(&cat->conn, "while comparing expressions",
				    "RELEASE SAVEPOINT pbt_compare", err);
		if (r)
			goto out;
	}
	array_end(&plans);
	{
		const char *params[1] = { plans.buf };

		res = pbt_pgconn_query(&cat->conn,
				       "while comparing expressions",
				       q_outputs, 1, params, err);
	}
	if (!res) {
		r = -PBT_EDB;
		goto out;
	}
	i_plan = col(res, "plan");
	i_pos = col(res, "pos");
	i_output = col(res, "output");
	for (row = 0; row < PQntuples(res); row++) {
		size_t ci = (size_t)ival(res, row, i_plan);
		size_t o = (size_t)ival(res, row, i_pos);

		if (ci < 1 || ci > n_chunks || o < 1 || o > 2 * chunk_n[ci - 1])
			continue;
		/* outputs 2k-1 and 2k are pair k's want and live */
		out[(size_t)(chunks[ci - 1][(o - 1) / 2] - v) * 2 +
		    (o - 1) % 2] = pbt_arena_strdup(cat->arena,
						    PQgetvalue(res, row,
							       i_output));
	}
	PQclear(res);
	for (i = 0; i < n; i++)
		v[i].same = !v[i].note && out[2 * i] && out[2 * i + 1] &&
			    !strcmp(out[2 * i], out[2 * i + 1]);
out:
	pbt_buf_release(&sql);
	pbt_buf_release(&plans);
	free(order);
	free(chunks);
	free(chunk_n);
	free(out);
	return r;
}

/* ---------------------------------------------------------------- lookup */

const struct pbt_pgcat_col *pbt_pgcat_col(const struct pbt_pgcat_rel *r,
					  const char *name)
{
	size_t i;

	for (i = 0; r && i < r->n_cols; i++)
		if (!strcmp(r->cols[i].name, name))
			return &r->cols[i];
	return NULL;
}

const struct pbt_pgcat_index *pbt_pgcat_index(const struct pbt_pgcat_rel *r,
					      const char *name)
{
	size_t i;

	for (i = 0; r && i < r->n_indexes; i++)
		if (!strcmp(r->indexes[i].name, name))
			return &r->indexes[i];
	return NULL;
}

const struct pbt_pgcat_con *pbt_pgcat_con(const struct pbt_pgcat_rel *r,
					  const char *name)
{
	size_t i;

	for (i = 0; r && i < r->n_cons; i++)
		if (!strcmp(r->cons[i].name, name))
			return &r->cons[i];
	return NULL;
}

const struct pbt_pgcat_trigger *pbt_pgcat_trigger(const struct pbt_pgcat_rel *r,
						  const char *name)
{
	size_t i;

	for (i = 0; r && i < r->n_triggers; i++)
		if (!strcmp(r->triggers[i].name, name))
			return &r->triggers[i];
	return NULL;
}
