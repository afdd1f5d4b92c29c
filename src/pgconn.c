/*
 * Running a generated script on a database with libpq (never psql): one
 * connection, the transaction part in one transaction under SET LOCAL
 * lock_timeout, then the statements that cannot run in a transaction
 * (CREATE INDEX CONCURRENTLY), one at a time.  Server notices ("schema
 * already exists, skipping") are dropped: the library does not print.
 */
#include "pbt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "buf.h"
#include "ddl.h"
#include "sql_quote.h"

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* The line of sql holding 1-based character position pos, for errors. */
static void line_at(const char *sql, const char *pos, char *out, size_t size)
{
	long want = pos ? strtol(pos, NULL, 10) : 0, chars = 0;
	const char *p = sql, *start = sql, *end;

	if (want <= 0) {
		snprintf(out, size, "%.200s", sql);
		return;
	}
	for (; *p; p++) {
		/* positions count characters: skip UTF-8 continuation bytes */
		if (((unsigned char)*p & 0xc0) != 0x80 && ++chars == want)
			break;
		if (*p == '\n')
			start = p + 1;
	}
	end = strchr(start, '\n');
	snprintf(out, size, "%.*s", (int)(end ? (size_t)(end - start) : strlen(start)),
		 start);
}

static int run(PGconn *c, const char *sql, bool script, struct pbt_err *err)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(res);
	char where[512];

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(res);
		return 0;
	}
	if (script)
		line_at(sql, PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION), where,
			sizeof(where));
	else
		snprintf(where, sizeof(where), "%.300s", sql);
	pbt_errf(err, PBT_EDB, NULL, "query failed: %s",
		 PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ?
		 PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(c));
	pbt_err_detail(err, "at: %s", where);
	PQclear(res);
	return -PBT_EDB;
}

int pbt_sql_apply(const struct pbt_sql *s, const char *dsn, struct pbt_err *err)
{
	/* dsn's own connect_timeout, if any, wins: it comes later */
	const char *keys[] = { "connect_timeout", "fallback_application_name", "dbname", NULL };
	const char *vals[] = { "10", "pbtable", dsn ? dsn : "", NULL };
	struct pbt_buf set = PBT_BUF_INIT;
	PGconn *c;
	size_t i;
	int r;

	c = PQconnectdbParams(keys, vals, 1);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		pbt_errf(err, PBT_EDB, NULL, "cannot connect to the database");
		pbt_err_detail(err, "%s", c ? PQerrorMessage(c) : "out of memory");
		PQfinish(c);
		return -PBT_EDB;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	if (s->tx.len) {
		pbt_buf_adds(&set, "SET LOCAL lock_timeout = ");
		pbt_sql_literal(&set, s->lock_timeout);
		r = run(c, "BEGIN", false, err);
		if (!r)
			r = run(c, set.buf, false, err);
		if (!r)
			r = run(c, s->tx.buf, true, err);
		if (!r)
			r = run(c, "COMMIT", false, err);
		if (r)
			goto out;
	}
	if (s->n_post) {
		/* the concurrent builds wait for locks too; same limit */
		pbt_buf_reset(&set);
		pbt_buf_adds(&set, "SET lock_timeout = ");
		pbt_sql_literal(&set, s->lock_timeout);
		r = run(c, set.buf, false, err);
		if (r)
			goto out;
	}
	for (i = 0; i < s->n_post; i++) {
		r = run(c, s->post[i], false, err);
		if (r)
			goto out;
	}
	r = 0;
out:
	pbt_buf_release(&set);
	PQfinish(c);
	return r;
}
