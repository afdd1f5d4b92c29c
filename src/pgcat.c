/*
 * Reading a live catalog for `drift`, with libpq.  One query per object
 * kind (relations, columns, indexes, constraints, triggers, rules,
 * functions), each taking the wanted names or OIDs as one array
 * parameter, so 1 table or 1,000 cost the same number of round trips.
 * Rows are copied into the caller's arena and the results cleared.
 *
 * The session is made read-only before anything else (SET SESSION
 * CHARACTERISTICS) and everything runs in one READ ONLY REPEATABLE READ
 * transaction: one snapshot for all queries, no writes possible, and it
 * works on a hot standby.  search_path is pg_catalog only, so the
 * deparser qualifies every name the same way (design memo, 5.2).
 *
 * What the rows mean (drift or not) is drift.c's business.
 */
#include "pgcat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "buf.h"
#include "sql_quote.h"

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

void pbt_pgcat_one_line(char *out, size_t size, const char *s)
{
	size_t n = 0;
	bool space = false;

	if (!size)
		return;
	for (; s && *s && n + 1 < size; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < size)
			out[n++] = ' ';
		space = false;
		out[n++] = *s;
	}
	out[n] = '\0';
}

static void set_label(struct pbt_pgcat *cat, PGconn *c)
{
	const char *host = c ? PQhost(c) : NULL;
	const char *port = c ? PQport(c) : NULL;
	const char *db = c ? PQdb(c) : NULL;

	if (!host || !*host || !db || !*db) {
		cat->label = "database";
		return;
	}
	cat->label = pbt_arena_printf(cat->arena, "%s:%s/%s", host,
				      port && *port ? port : "5432", db);
}

static int conn_error(struct pbt_pgcat *cat, const char *what,
		      struct pbt_err *err)
{
	char line[sizeof(err->msg)];

	pbt_pgcat_one_line(line, sizeof(line),
			   cat->conn ? PQerrorMessage(cat->conn)
				     : "out of memory");
	return pbt_errf(err, PBT_EDB, &(struct pbt_loc){ cat->label, 0, 0 },
			"%s: %s", what, line);
}

/* Run sql (with text parameters); on error fill err and return NULL. */
static PGresult *query(struct pbt_pgcat *cat, const char *what, const char *sql,
		       int n_params, const char *const *params,
		       struct pbt_err *err)
{
	PGconn *c = cat->conn;
	PGresult *res;
	ExecStatusType st;
	const char *primary;
	char line[sizeof(err->msg)];

	cat->n_queries++;
	/*
	 * Always the extended protocol: it runs exactly one statement, so
	 * not even text that came out of the catalog (expressions we let
	 * the server compare) could smuggle in a second one.
	 */
	res = PQexecParams(c, sql, n_params, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	/* a server that went away must never read as "no drift" */
	if (PQstatus(c) == CONNECTION_BAD) {
		PQclear(res);
		conn_error(cat, "lost the connection", err);
		pbt_err_detail(err, "while %s", what);
		return NULL;
	}
	primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	snprintf(cat->sqlstate, sizeof(cat->sqlstate), "%s",
		 res && PQresultErrorField(res, PG_DIAG_SQLSTATE)
			 ? PQresultErrorField(res, PG_DIAG_SQLSTATE)
			 : "");
	pbt_pgcat_one_line(line, sizeof(line),
			   primary ? primary : PQerrorMessage(c));
	pbt_errf(err, PBT_EDB, &(struct pbt_loc){ cat->label, 0, 0 },
		 "query failed: %s", line);
	pbt_err_detail(err, "while %s", what);
	PQclear(res);
	return NULL;
}

static int exec(struct pbt_pgcat *cat, const char *what, const char *sql,
		struct pbt_err *err)
{
	PGresult *res = query(cat, what, sql, 0, NULL, err);

	if (!res)
		return -PBT_EDB;
	PQclear(res);
	return 0;
}

int pbt_pgcat_open(struct pbt_pgcat *cat, struct pbt_arena *arena,
		   const char *dsn, const struct pbt_pgcat_opts *o,
		   struct pbt_err *err)
{
	/* the DSN's own connect_timeout, if any, wins: it comes later */
	const char *keys[] = { "connect_timeout", "fallback_application_name",
			       "dbname", NULL };
	const char *vals[] = { o->connect_timeout ? o->connect_timeout : "10",
			       "pbtable", dsn ? dsn : "", NULL };
	struct pbt_buf set = PBT_BUF_INIT;
	PGconn *c;
	PGresult *res;
	int r;

	memset(cat, 0, sizeof(*cat));
	cat->arena = arena;
	c = PQconnectdbParams(keys, vals, 1);
	set_label(cat, c);
	cat->conn = c;
	if (!c || PQstatus(c) != CONNECTION_OK) {
		conn_error(cat, "cannot connect", err);
		pbt_pgcat_close(cat);
		return -PBT_EDB;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	cat->server_version = PQserverVersion(c);
	if (cat->server_version < 120000) {
		pbt_errf(
			err, PBT_EDB, &(struct pbt_loc){ cat->label, 0, 0 },
			"PostgreSQL %d.%d has no generated columns "
			"(pbtables need 12 or later)",
			cat->server_version / 10000,
			cat->server_version % 10000 / 100);
		pbt_pgcat_close(cat);
		return -PBT_EDB;
	}
	/* read-only twice over: the session default, and the transaction */
	r = exec(cat, "making the session read-only",
		 "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", err);
	if (!r)
		r = exec(cat, "starting the transaction",
			 "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
			 err);
	if (r)
		goto fail;
	cat->in_tx = true;
	pbt_buf_adds(&set, "SET LOCAL statement_timeout = ");
	pbt_sql_literal(&set,
			o->statement_timeout ? o->statement_timeout : "30s");
	r = exec(cat, "setting statement_timeout", set.buf, err);
	if (!r)
		r = exec(cat, "setting search_path",
			 "SET LOCAL search_path = pg_catalog", err);
	if (r)
		goto fail;
	res = query(cat, "asking whether the server is a standby",
		    "SELECT pg_is_in_recovery()", 0, NULL, err);
	if (!res)
		goto fail;
	cat->standby = !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	pbt_buf_release(&set);
	return 0;
fail:
	pbt_buf_release(&set);
	pbt_pgcat_close(cat);
	return -PBT_EDB;
}

void pbt_pgcat_close(struct pbt_pgcat *cat)
{
	if (cat->conn && cat->in_tx && PQstatus(cat->conn) == CONNECTION_OK)
		PQclear(PQexec(cat->conn,
			       "ROLLBACK")); /* nothing was written */
	cat->in_tx = false;
	if (cat->conn)
		PQfinish(cat->conn);
	cat->conn = NULL;
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

static const char *val(struct pbt_pgcat *cat, PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return pbt_arena_strdup(cat->arena, PQgetvalue(res, row, col));
}

static bool bval(PGresult *res, int row, int col)
{
	return !PQgetisnull(res, row, col) &&
	       !strcmp(PQgetvalue(res, row, col), "t");
}

static char cval(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 : PQgetvalue(res, row, col)[0];
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

static struct pbt_pgcat_rel *rel_of(const struct oidmap *m, size_t n,
				    PGresult *res, int row)
{
	struct oidmap key = {
		(unsigned)strtoul(PQgetvalue(res, row, 0), NULL, 10), NULL
	};
	const struct oidmap *hit = bsearch(&key, m, n, sizeof(*m), cmp_oid);

	return hit ? hit->rel : NULL;
}

/*
 * Rows come ordered by relation OID (column 0): hand each relation its
 * run of rows.  fill() copies row i into slot k of the array it allocates.
 */
typedef void fill_fn(struct pbt_pgcat *cat, struct pbt_pgcat_rel *rel,
		     PGresult *res, int first, int n);

static void distribute(struct pbt_pgcat *cat, const struct oidmap *m,
		       size_t n_map, PGresult *res, fill_fn *fill)
{
	int rows = PQntuples(res), i = 0;

	while (i < rows) {
		const char *oid = PQgetvalue(res, i, 0);
		int j = i + 1;
		struct pbt_pgcat_rel *rel;

		while (j < rows && !strcmp(PQgetvalue(res, j, 0), oid))
			j++;
		rel = rel_of(m, n_map, res, i);
		if (rel)
			fill(cat, rel, res, i, j - i);
		i = j;
	}
}

static void fill_cols(struct pbt_pgcat *cat, struct pbt_pgcat_rel *rel,
		      PGresult *res, int first, int n)
{
	int k;

	rel->cols = pbt_arena_calloc(cat->arena, (size_t)n, sizeof(*rel->cols));
	rel->n_cols = (size_t)n;
	for (k = 0; k < n; k++) {
		struct pbt_pgcat_col *c = &rel->cols[k];
		int row = first + k;

		c->attnum = atoi(PQgetvalue(res, row, 1));
		c->name = val(cat, res, row, 2);
		c->type = val(cat, res, row, 3);
		c->notnull = bval(res, row, 4);
		c->generated = cval(res, row, 5);
		c->identity = cval(res, row, 6);
		c->expr = val(cat, res, row, 7);
		c->comment = val(cat, res, row, 8);
	}
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

static void fill_indexes(struct pbt_pgcat *cat, struct pbt_pgcat_rel *rel,
			 PGresult *res, int first, int n)
{
	int k;

	rel->indexes = pbt_arena_calloc(cat->arena, (size_t)n,
					sizeof(*rel->indexes));
	rel->n_indexes = (size_t)n;
	for (k = 0; k < n; k++) {
		struct pbt_pgcat_index *x = &rel->indexes[k];
		int row = first + k;

		x->name = val(cat, res, row, 1);
		x->unique = bval(res, row, 2);
		x->primary = bval(res, row, 3);
		x->valid = bval(res, row, 4);
		x->method = val(cat, res, row, 5);
		x->plain = bval(res, row, 6);
		x->columns = attnames(cat, rel, PQgetvalue(res, row, 7));
		x->comment = val(cat, res, row, 8);
		if (!x->columns)
			x->columns = "";
	}
}

static void fill_cons(struct pbt_pgcat *cat, struct pbt_pgcat_rel *rel,
		      PGresult *res, int first, int n)
{
	int k;

	rel->cons = pbt_arena_calloc(cat->arena, (size_t)n, sizeof(*rel->cons));
	rel->n_cons = (size_t)n;
	for (k = 0; k < n; k++) {
		struct pbt_pgcat_con *x = &rel->cons[k];
		int row = first + k;

		x->name = val(cat, res, row, 1);
		x->type = cval(res, row, 2);
		x->validated = bval(res, row, 3);
		x->columns = attnames(cat, rel, PQgetvalue(res, row, 4));
		x->def = val(cat, res, row, 5);
		if (!x->columns)
			x->columns = "";
	}
}

static void fill_triggers(struct pbt_pgcat *cat, struct pbt_pgcat_rel *rel,
			  PGresult *res, int first, int n)
{
	int k;

	rel->triggers = pbt_arena_calloc(cat->arena, (size_t)n,
					 sizeof(*rel->triggers));
	rel->n_triggers = (size_t)n;
	for (k = 0; k < n; k++) {
		struct pbt_pgcat_trigger *x = &rel->triggers[k];
		int row = first + k;

		x->name = val(cat, res, row, 1);
		x->type = atoi(PQgetvalue(res, row, 2));
		x->enabled = cval(res, row, 3);
		x->plain = bval(res, row, 4);
		x->fn_schema = val(cat, res, row, 5);
		x->fn_name = val(cat, res, row, 6);
		x->fn_nargs = atoi(PQgetvalue(res, row, 7));
	}
}

static void fill_rules(struct pbt_pgcat *cat, struct pbt_pgcat_rel *rel,
		       PGresult *res, int first, int n)
{
	int k;

	rel->rules = pbt_arena_calloc(cat->arena, (size_t)n,
				      sizeof(*rel->rules));
	rel->n_rules = (size_t)n;
	for (k = 0; k < n; k++)
		rel->rules[k] = val(cat, res, first + k, 1);
}

/* ---------------------------------------------------------------- queries */

/*
 * Relations by name.  The comment comes from pg_description directly:
 * obj_description() is an SQL function, and calling it per row costs
 * more than the rest of the query.
 */
static const char q_rels[] =
	"SELECT w.i::int, c.oid::int8, c.relkind::text, ds.description,\n"
	"       CASE WHEN c.relkind = 'v'\n"
	"            THEN pg_get_viewdef(c.oid, true) END\n"
	"FROM unnest($1::text[], $2::text[])\n"
	"     WITH ORDINALITY AS w(nsp, rel, i)\n"
	"JOIN pg_namespace n ON n.nspname = w.nsp\n"
	"JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.rel\n"
	"LEFT JOIN pg_description ds ON ds.objoid = c.oid\n"
	"     AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0";

static const char q_cols[] =
	"SELECT a.attrelid::int8, a.attnum::int, a.attname,\n"
	"       format_type(a.atttypid, a.atttypmod), a.attnotnull,\n"
	"       nullif(a.attgenerated, '')::text,\n"
	"       nullif(a.attidentity, '')::text,\n"
	"       pg_get_expr(d.adbin, d.adrelid), ds.description\n"
	"FROM pg_attribute a\n"
	"LEFT JOIN pg_attrdef d\n"
	"     ON d.adrelid = a.attrelid AND d.adnum = a.attnum\n"
	"LEFT JOIN pg_description ds ON ds.objoid = a.attrelid\n"
	"     AND ds.classoid = 'pg_class'::regclass\n"
	"     AND ds.objsubid = a.attnum\n"
	"WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0\n"
	"      AND NOT a.attisdropped\n"
	"ORDER BY 1, 2";

/*
 * Key columns come as attnums (indkey) and are named from the columns
 * already read: a subquery per index, like pg_get_indexdef() per index,
 * cost more than the rest of the query put together.  The non-default
 * operator classes are one array, computed once.
 */
static const char q_indexes[] =
	"SELECT i.indrelid::int8, c.relname, i.indisunique, i.indisprimary,\n"
	"       i.indisvalid, am.amname,\n"
	"       i.indexprs IS NULL AND i.indpred IS NULL\n"
	"       AND i.indnkeyatts = i.indnatts\n"
	"       AND i.indoption::text ~ '^[0 ]*$'\n"
	"       AND NOT i.indclass::oid[] &&\n"
	"           ARRAY(SELECT oid FROM pg_opclass WHERE NOT opcdefault),\n"
	"       i.indkey::text, ds.description\n"
	"FROM pg_index i\n"
	"JOIN pg_class c ON c.oid = i.indexrelid\n"
	"JOIN pg_am am ON am.oid = c.relam\n"
	"LEFT JOIN pg_description ds ON ds.objoid = c.oid\n"
	"     AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0\n"
	"WHERE i.indrelid = ANY ($1::oid[])\n"
	"ORDER BY 1, 2";

static const char q_cons[] =
	"SELECT co.conrelid::int8, co.conname, co.contype::text,\n"
	"       co.convalidated, co.conkey::text,\n"
	"       CASE WHEN co.contype <> 'p'\n"
	"            THEN pg_get_constraintdef(co.oid) END\n"
	"FROM pg_constraint co\n"
	"WHERE co.conrelid = ANY ($1::oid[])\n"
	"ORDER BY 1, 2";

static const char q_triggers[] =
	"SELECT t.tgrelid::int8, t.tgname, t.tgtype::int, t.tgenabled::text,\n"
	"       t.tgnargs = 0 AND t.tgqual IS NULL, n.nspname, p.proname,\n"
	"       p.pronargs::int\n"
	"FROM pg_trigger t\n"
	"JOIN pg_proc p ON p.oid = t.tgfoid\n"
	"JOIN pg_namespace n ON n.oid = p.pronamespace\n"
	"WHERE t.tgrelid = ANY ($1::oid[]) AND NOT t.tgisinternal\n"
	"ORDER BY 1, 2";

static const char q_rules[] =
	"SELECT r.ev_class::int8, r.rulename\n"
	"FROM pg_rewrite r\n"
	"WHERE r.ev_class = ANY ($1::oid[]) AND r.rulename <> '_RETURN'\n"
	"ORDER BY 1, 2";

/* body_sha as ddl.c computes it, by the server: sha256() is PG 11+ */
static const char q_funcs[] =
	"SELECT w.i::int, oidvectortypes(p.proargtypes),\n"
	"       pg_get_function_result(p.oid),\n"
	"       l.lanname, p.provolatile::text, p.proparallel::text,\n"
	"       left(encode(sha256(convert_to(p.prosrc, 'UTF8')), 'hex'),\n"
	"            16),\n"
	"       ds.description\n"
	"FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS w(nsp, fn, i)\n"
	"JOIN pg_namespace n ON n.nspname = w.nsp\n"
	"JOIN pg_proc p ON p.pronamespace = n.oid AND p.proname = w.fn\n"
	"JOIN pg_language l ON l.oid = p.prolang\n"
	"LEFT JOIN pg_description ds ON ds.objoid = p.oid\n"
	"     AND ds.classoid = 'pg_proc'::regclass AND ds.objsubid = 0\n"
	"ORDER BY 1, 2";

static int read_rels(struct pbt_pgcat *cat, const struct pbt_pgcat_name *rels,
		     size_t n, struct pbt_err *err)
{
	struct pbt_buf nsp = PBT_BUF_INIT, names = PBT_BUF_INIT;
	const char *params[2];
	PGresult *res;
	size_t i;
	int row;

	for (i = 0; i < n; i++) {
		array_elem(&nsp, rels[i].schema);
		array_elem(&names, rels[i].name);
	}
	array_end(&nsp);
	array_end(&names);
	params[0] = nsp.buf;
	params[1] = names.buf;
	res = query(cat, "reading relations", q_rels, 2, params, err);
	pbt_buf_release(&nsp);
	pbt_buf_release(&names);
	if (!res)
		return -PBT_EDB;
	for (row = 0; row < PQntuples(res); row++) {
		size_t at = (size_t)atoi(PQgetvalue(res, row, 0));
		struct pbt_pgcat_rel *r;

		if (at < 1 || at > n)
			continue;
		r = pbt_arena_zalloc(cat->arena, sizeof(*r));
		r->oid = (unsigned)strtoul(PQgetvalue(res, row, 1), NULL, 10);
		r->kind = cval(res, row, 2);
		r->comment = val(cat, res, row, 3);
		r->viewdef = val(cat, res, row, 4);
		cat->rels[at - 1] = r;
	}
	PQclear(res);
	return 0;
}

static int read_funcs(struct pbt_pgcat *cat, const struct pbt_pgcat_name *funcs,
		      size_t n, struct pbt_err *err)
{
	struct pbt_buf nsp = PBT_BUF_INIT, names = PBT_BUF_INIT;
	const char *params[2];
	PGresult *res;
	size_t i;
	int row;

	for (i = 0; i < n; i++) {
		array_elem(&nsp, funcs[i].schema);
		array_elem(&names, funcs[i].name);
	}
	array_end(&nsp);
	array_end(&names);
	params[0] = nsp.buf;
	params[1] = names.buf;
	res = query(cat, "reading functions", q_funcs, 2, params, err);
	pbt_buf_release(&nsp);
	pbt_buf_release(&names);
	if (!res)
		return -PBT_EDB;
	/* in reverse, so the chains come out in the query's order */
	for (row = PQntuples(res) - 1; row >= 0; row--) {
		size_t at = (size_t)atoi(PQgetvalue(res, row, 0));
		struct pbt_pgcat_func *f;

		if (at < 1 || at > n)
			continue;
		f = pbt_arena_zalloc(cat->arena, sizeof(*f));
		f->argtypes = val(cat, res, row, 1);
		f->result = val(cat, res, row, 2);
		f->lang = val(cat, res, row, 3);
		f->volatility = cval(res, row, 4);
		f->parallel = cval(res, row, 5);
		f->body_sha = val(cat, res, row, 6);
		f->comment = val(cat, res, row, 7);
		f->next = cat->funcs[at - 1];
		cat->funcs[at - 1] = f;
	}
	PQclear(res);
	return 0;
}

int pbt_pgcat_read(struct pbt_pgcat *cat, const struct pbt_pgcat_name *rels,
		   size_t n_rels, const struct pbt_pgcat_name *funcs,
		   size_t n_funcs, struct pbt_err *err)
{
	static const struct {
		const char *what, *sql;
		fill_fn *fill;
	} kinds[] = {
		{ "reading columns", q_cols, fill_cols },
		{ "reading indexes", q_indexes, fill_indexes },
		{ "reading constraints", q_cons, fill_cons },
		{ "reading triggers", q_triggers, fill_triggers },
		{ "reading rules", q_rules, fill_rules },
	};
	struct pbt_buf oids = PBT_BUF_INIT;
	struct oidmap *m;
	size_t i, n_map = 0;
	int r = 0;

	cat->rels = pbt_arena_calloc(cat->arena, n_rels + 1,
				     sizeof(*cat->rels));
	cat->funcs = pbt_arena_calloc(cat->arena, n_funcs + 1,
				      sizeof(*cat->funcs));
	r = read_rels(cat, rels, n_rels, err);
	if (r)
		return r;
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
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && n_map; i++) {
		const char *params[1] = { oids.buf };
		PGresult *res = query(cat, kinds[i].what, kinds[i].sql, 1,
				      params, err);

		if (!res) {
			r = -PBT_EDB;
			goto out;
		}
		distribute(cat, m, n_map, res, kinds[i].fill);
		PQclear(res);
	}
	if (n_funcs)
		r = read_funcs(cat, funcs, n_funcs, err);
out:
	pbt_buf_release(&oids);
	return r;
}

/* ---------------------------------------------------------------- compare */

/* The Output lists of all the EXPLAINs' plans: (plan, position, text). */
static const char q_outputs[] =
	"SELECT u.i::int, e.o::int, e.x\n"
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
	int r = 0, row;

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
		r = exec(cat, "comparing expressions", "SAVEPOINT pbt_compare",
			 err);
		if (r)
			goto out;
		ex = query(cat, "comparing expressions", sql.buf, 0, NULL, err);
		/*
		 * Cancelled (statement_timeout), out of resources, connection
		 * trouble: an error, not a verdict on the expressions.
		 */
		if (!ex && (PQstatus(cat->conn) == CONNECTION_BAD ||
			    !strncmp(cat->sqlstate, "57", 2) ||
			    !strncmp(cat->sqlstate, "53", 2) ||
			    !strncmp(cat->sqlstate, "08", 2))) {
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
			r = exec(cat, "comparing expressions",
				 "ROLLBACK TO SAVEPOINT pbt_compare", err);
			if (r)
				goto out;
			array_elem(&plans, "[]");
			continue;
		}
		array_elem(&plans, PQgetvalue(ex, 0, 0));
		PQclear(ex);
		r = exec(cat, "comparing expressions",
			 "RELEASE SAVEPOINT pbt_compare", err);
		if (r)
			goto out;
	}
	array_end(&plans);
	{
		const char *params[1] = { plans.buf };

		res = query(cat, "comparing expressions", q_outputs, 1, params,
			    err);
	}
	if (!res) {
		r = -PBT_EDB;
		goto out;
	}
	for (row = 0; row < PQntuples(res); row++) {
		size_t ci = (size_t)atoi(PQgetvalue(res, row, 0));
		size_t o = (size_t)atoi(PQgetvalue(res, row, 1));

		if (ci < 1 || ci > n_chunks || o < 1 || o > 2 * chunk_n[ci - 1])
			continue;
		/* outputs 2k-1 and 2k are pair k's want and live */
		out[(size_t)(chunks[ci - 1][(o - 1) / 2] - v) * 2 +
		    (o - 1) % 2] = pbt_arena_strdup(cat->arena,
						    PQgetvalue(res, row, 2));
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
