/*
 * libpq, in one place: connecting, sending one statement at a time (the
 * extended protocol, so not even text that came out of a catalog can
 * smuggle in a second statement), the read-only snapshot drift reads in,
 * running a script's statement list (script.h) in its transaction, and
 * the error texts.  What the rows mean is the caller's: pgcat.c reads
 * catalogs, plan_emit.c and ddl.c write the scripts.
 */
#include "pgconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "buf.h"
#include "pbt.h"
#include "script.h"
#include "sql_quote.h"

/* pbtables need generated columns: PostgreSQL 12. */
#define MIN_SERVER_VERSION 120000

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

void pbt_pgconn_one_line(char *out, size_t size, const char *s)
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

static const struct pbt_loc *at(const struct pbt_pgconn *c, struct pbt_loc *loc)
{
	if (!c->label)
		return NULL;
	*loc = (struct pbt_loc){ c->label, 0, 0 };
	return loc;
}

static void set_label(struct pbt_pgconn *c, PGconn *pg)
{
	const char *host = pg ? PQhost(pg) : NULL;
	const char *port = pg ? PQport(pg) : NULL;
	const char *db = pg ? PQdb(pg) : NULL;

	c->label = NULL;
	if (host && *host && db && *db)
		c->label = pbt_arena_printf(c->arena, "%s:%s/%s", host,
					    port && *port ? port : "5432", db);
}

int pbt_pgconn_open(struct pbt_pgconn *c, struct pbt_arena *arena,
		    const char *dsn, const char *connect_timeout,
		    struct pbt_err *err)
{
	/* the DSN's own connect_timeout, if any, wins: it comes later */
	const char *keys[] = { "connect_timeout", "fallback_application_name",
			       "dbname", NULL };
	const char *vals[] = { connect_timeout ? connect_timeout : "10",
			       "pbtable", dsn ? dsn : "", NULL };
	char line[sizeof(err->msg) - 32];
	struct pbt_loc loc;
	PGconn *pg;

	memset(c, 0, sizeof(*c));
	c->arena = arena;
	pg = PQconnectdbParams(keys, vals, 1);
	c->conn = pg;
	set_label(c, pg);
	if (!pg || PQstatus(pg) != CONNECTION_OK) {
		/* libpq's text spans lines; the error is one */
		pbt_pgconn_one_line(line, sizeof(line),
				    pg ? PQerrorMessage(pg) : "out of memory");
		return pbt_errf(err, PBT_EDB, at(c, &loc), "cannot connect: %s",
				line);
	}
	PQsetNoticeProcessor(pg, quiet, NULL);
	c->server_version = PQserverVersion(pg);
	if (c->server_version < MIN_SERVER_VERSION)
		return pbt_errf(err, PBT_EDB, at(c, &loc),
				"PostgreSQL %d.%d has no generated columns "
				"(pbtables need 12 or later)",
				c->server_version / 10000,
				c->server_version % 10000 / 100);
	return 0;
}

void pbt_pgconn_close(struct pbt_pgconn *c)
{
	PGconn *pg = c->conn;

	if (pg && c->in_tx && PQstatus(pg) == CONNECTION_OK)
		PQclear(PQexec(pg, "ROLLBACK")); /* nothing was written */
	c->in_tx = false;
	if (pg)
		PQfinish(pg);
	c->conn = NULL;
}

/* Fill err from a failed result: the server's words, at the target. */
static void failed(struct pbt_pgconn *c, PGresult *res, const char *detail,
		   struct pbt_err *err)
{
	PGconn *pg = c->conn;
	const char *primary = res ? PQresultErrorField(res,
						       PG_DIAG_MESSAGE_PRIMARY)
				  : NULL;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE)
				: NULL;
	const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT)
			       : NULL;
	char line[sizeof(err->msg) - 32];
	struct pbt_loc loc;

	snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", state ? state : "");
	if (PQstatus(pg) == CONNECTION_BAD) {
		/*
		 * Stopped, crashed, or the backend terminated: libpq's text
		 * is several lines, the first with a severity; the server's
		 * own message, if it sent one, says it best.
		 */
		const char *why = primary ? primary : PQerrorMessage(pg);

		if (!primary && !strncmp(why, "FATAL:  ", 8))
			why += 8;
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(why, "\n"),
			 why);
		pbt_errf(err, PBT_EDB, at(c, &loc), "lost the connection: %s",
			 line);
	} else {
		pbt_pgconn_one_line(line, sizeof(line),
				    primary ? primary : PQerrorMessage(pg));
		pbt_errf(err, PBT_EDB, at(c, &loc), "query failed: %s", line);
	}
	if (hint)
		pbt_err_detail(err, "%s (hint: %s)", detail, hint);
	else
		pbt_err_detail(err, "%s", detail);
}

struct pg_result *pbt_pgconn_query(struct pbt_pgconn *c, const char *detail,
				   const char *sql, int n_params,
				   const char *const *params,
				   struct pbt_err *err)
{
	PGresult *res;
	ExecStatusType st;

	c->n_queries++;
	res = PQexecParams(c->conn, sql, n_params, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	failed(c, res, detail, err);
	PQclear(res);
	return NULL;
}

int pbt_pgconn_exec(struct pbt_pgconn *c, const char *detail, const char *sql,
		    struct pbt_err *err)
{
	PGresult *res = pbt_pgconn_query(c, detail, sql, 0, NULL, err);

	if (!res)
		return -PBT_EDB;
	PQclear(res);
	return 0;
}

int pbt_pgconn_col(const struct pg_result *res, const char *name)
{
	int i = PQfnumber(res, name);

	if (i < 0)
		PBT_BUG("the query has no column '%s'", name);
	return i;
}

int pbt_pgconn_snapshot(struct pbt_pgconn *c, const char *statement_timeout,
			struct pbt_err *err)
{
	struct pbt_buf set = PBT_BUF_INIT;
	PGresult *res;
	int r;

	/* read-only twice over: the session default, and the transaction */
	r = pbt_pgconn_exec(
		c, "while making the session read-only",
		"SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", err);
	if (!r)
		r = pbt_pgconn_exec(
			c, "while starting the transaction",
			"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
	if (r)
		return r;
	c->in_tx = true;
	pbt_buf_adds(&set, "SET LOCAL statement_timeout = ");
	pbt_sql_literal(&set, statement_timeout ? statement_timeout : "30s");
	r = pbt_pgconn_exec(c, "while setting statement_timeout", set.buf, err);
	pbt_buf_release(&set);
	if (!r)
		r = pbt_pgconn_exec(c, "while setting search_path",
				    "SET LOCAL search_path = pg_catalog", err);
	if (r)
		return r;
	res = pbt_pgconn_query(c,
			       "while asking whether the server is a standby",
			       "SELECT pg_is_in_recovery() AS standby", 0, NULL,
			       err);
	if (!res)
		return -PBT_EDB;
	c->standby = !strcmp(PQgetvalue(res, 0, pbt_pgconn_col(res, "standby")),
			     "t");
	PQclear(res);
	return 0;
}

/* ---------------------------------------------------------------- scripts */

/* One statement of a script (or BEGIN, COMMIT, SET): err names it. */
static int run(struct pbt_pgconn *c, const char *sql,
	       const struct pbt_sql_stmt *st, struct pbt_err *err)
{
	struct pbt_buf in = PBT_BUF_INIT;
	int r;

	pbt_buf_addf(&in, "in: %.*s", (int)strcspn(sql, "\n"), sql);
	r = pbt_pgconn_exec(c, in.buf, sql, err);
	/* 55P03 lock_not_available: the lock_timeout ran out */
	if (r && st && st->lock != PBT_LOCK_NONE &&
	    !strcmp(c->sqlstate, "55P03"))
		pbt_err_detail(err, "%s (it takes %s on %s)", in.buf,
			       pbt_lock_name(st->lock), st->object);
	pbt_buf_release(&in);
	return r;
}

static int run_phase(struct pbt_pgconn *c, const struct pbt_sql *s,
		     enum pbt_sql_phase phase, struct pbt_err *err)
{
	size_t i;
	int r = 0;

	for (i = 0; i < s->n && !r; i++)
		if (s->v[i].phase == phase)
			r = run(c, s->v[i].sql, &s->v[i], err);
	return r;
}

int pbt_pgconn_run(struct pbt_pgconn *c, const struct pbt_sql *s,
		   struct pbt_err *err)
{
	struct pbt_buf set = PBT_BUF_INIT;
	bool before = false, tx = false, after = false, session = false;
	size_t i;
	int r = 0;

	for (i = 0; i < s->n; i++) {
		before |= s->v[i].phase == PBT_PHASE_BEFORE;
		tx |= s->v[i].phase == PBT_PHASE_TX;
		after |= s->v[i].phase == PBT_PHASE_AFTER;
	}
	if (before || after) {
		/* outside the transaction, statements wait for locks too */
		pbt_buf_adds(&set, "SET lock_timeout = ");
		pbt_sql_literal(&set, s->lock_timeout);
	}
	if (before) {
		r = run(c, set.buf, NULL, err);
		session = true;
		if (!r)
			r = run_phase(c, s, PBT_PHASE_BEFORE, err);
	}
	if (!r && tx) {
		struct pbt_buf local = PBT_BUF_INIT;

		pbt_buf_adds(&local, "SET LOCAL lock_timeout = ");
		pbt_sql_literal(&local, s->lock_timeout);
		r = run(c, "BEGIN", NULL, err);
		if (!r)
			r = run(c, local.buf, NULL, err);
		if (!r)
			r = run_phase(c, s, PBT_PHASE_TX, err);
		if (!r)
			r = run(c, "COMMIT", NULL, err);
		pbt_buf_release(&local);
	}
	if (!r && after) {
		if (!session)
			r = run(c, set.buf, NULL, err);
		if (!r)
			r = run_phase(c, s, PBT_PHASE_AFTER, err);
	}
	pbt_buf_release(&set);
	return r;
}

int pbt_sql_apply(const struct pbt_sql *s, const char *dsn, struct pbt_err *err)
{
	struct pbt_arena *a = pbt_arena_new();
	struct pbt_pgconn c;
	int r = pbt_pgconn_open(&c, a, dsn, NULL, err);

	if (!r)
		r = pbt_pgconn_run(&c, s, err);
	pbt_pgconn_close(&c);
	pbt_arena_free(a);
	return r;
}
