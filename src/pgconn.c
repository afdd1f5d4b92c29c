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
#include "pgcat.h"
#include "sql_quote.h"

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/*
 * The end of the statement starting at p: just past its ';', or the end of
 * the text.  Knows what our generated SQL uses: '...' and E'...' literals,
 * "..." identifiers, $tag$...$tag$ bodies and -- comments.
 */
static const char *statement_end(const char *start, const char *p)
{
	while (*p) {
		if (*p == ';')
			return p + 1;
		if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (*p == '\'' || *p == '"') {
			char qc = *p;
			bool esc = *p == '\'' && p > start && (p[-1] == 'E' || p[-1] == 'e');

			for (p++; *p; p++) {
				if (esc && *p == '\\' && p[1]) {
					p++;
					continue;
				}
				if (*p == qc) {
					if (p[1] != qc)
						break;
					p++;
				}
			}
			if (*p)
				p++;
		} else if (*p == '$') {
			const char *t = p + 1, *close;
			size_t n;

			while (*t == '_' || (*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
			       (*t >= '0' && *t <= '9'))
				t++;
			if (*t != '$') {
				p++;
				continue;
			}
			n = (size_t)(t - p) + 1;
			close = p + n;
			for (;;) {
				close = strchr(close, '$');
				if (!close || !strncmp(close, p, n))
					break;
				close++;
			}
			p = close ? close + n : p + strlen(p);
		} else {
			p++;
		}
	}
	return p;
}

/* The first line of a statement, for errors (comment lines skipped). */
static void first_line(const char *stmt, char *out, size_t size)
{
	while (*stmt == '\n' || (stmt[0] == '-' && stmt[1] == '-')) {
		stmt += strcspn(stmt, "\n");
		if (*stmt)
			stmt++;
	}
	snprintf(out, size, "%.*s", (int)strcspn(stmt, "\n"), stmt);
}

static int run(PGconn *c, const char *sql, struct pbt_err *err)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(res);
	const char *primary, *hint;
	char where[512];

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
		PQclear(res);
		return 0;
	}
	first_line(sql, where, sizeof(where));
	primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (PQstatus(c) == CONNECTION_BAD) {
		/*
		 * The server went away (stopped, crashed, or the backend was
		 * terminated): libpq's text is several lines with a severity
		 * prefix; the primary message, if the server sent one, says it.
		 */
		char why[200];

		first_line(primary ? primary : PQerrorMessage(c), why, sizeof(why));
		pbt_errf(err, PBT_EDB, NULL, "lost the connection: %s",
			 strncmp(why, "FATAL:  ", 8) ? why : why + 8);
	} else {
		pbt_errf(err, PBT_EDB, NULL, "query failed: %s",
			 primary ? primary : PQerrorMessage(c));
	}
	hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	if (hint)
		pbt_err_detail(err, "in: %s (hint: %s)", where, hint);
	else
		pbt_err_detail(err, "in: %s", where);
	PQclear(res);
	return -PBT_EDB;
}

/* Each statement of a script on its own, so an error names its statement. */
static int run_script(PGconn *c, const char *sql, struct pbt_err *err)
{
	struct pbt_buf one = PBT_BUF_INIT;
	const char *p = sql;
	int r = 0;

	while (*p && !r) {
		const char *end = statement_end(sql, p);

		pbt_buf_reset(&one);
		pbt_buf_add(&one, p, (size_t)(end - p));
		p = end;
		if (strspn(one.buf, " \t\n") == one.len)
			continue;
		r = run(c, one.buf, err);
	}
	pbt_buf_release(&one);
	return r;
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
		char why[sizeof(err->msg) - 64];

		/* libpq's text spans lines; the error is one */
		pbt_pgcat_one_line(why, sizeof(why),
				   c ? PQerrorMessage(c) : "out of memory");
		pbt_errf(err, PBT_EDB, NULL, "cannot connect to the database: %s", why);
		PQfinish(c);
		return -PBT_EDB;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	if (s->tx.len) {
		pbt_buf_adds(&set, "SET LOCAL lock_timeout = ");
		pbt_sql_literal(&set, s->lock_timeout);
		r = run(c, "BEGIN", err);
		if (!r)
			r = run(c, set.buf, err);
		if (!r)
			r = run_script(c, s->tx.buf, err);
		if (!r)
			r = run(c, "COMMIT", err);
		if (r)
			goto out;
	}
	if (s->n_post) {
		/* the concurrent builds wait for locks too; same limit */
		pbt_buf_reset(&set);
		pbt_buf_adds(&set, "SET lock_timeout = ");
		pbt_sql_literal(&set, s->lock_timeout);
		r = run(c, set.buf, err);
		if (r)
			goto out;
	}
	for (i = 0; i < s->n_post; i++) {
		r = run(c, s->post[i], err);
		if (r)
			goto out;
	}
	r = 0;
out:
	pbt_buf_release(&set);
	PQfinish(c);
	return r;
}
