#ifndef PBT_PGCONN_H
#define PBT_PGCONN_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct pbt_arena;
struct pbt_sql;
struct pg_result; /* libpq's PGresult */

/*
 * The one door to PostgreSQL (PostgreSQL's own connectDatabase() and
 * executeQuery() idea): every connection pbtable opens, for ddl and
 * migrate --apply, for drift and its repair, goes through here, with the
 * same connect keys and timeout, notices dropped (the library does not
 * print), one statement per call (the extended protocol), a count of the
 * statements sent, and one set of error texts, each naming the target.
 * The server version is read once per connection and kept here: a query
 * that differs between versions branches on it next to its SQL.
 */
struct pbt_pgconn {
	struct pbt_arena *arena; /* the label */
	void *conn;		 /* PGconn */
	/* "host:port/dbname" (never the password); NULL: not known */
	const char *label;
	int server_version; /* PQserverVersion(): 150004 for 15.4 */
	bool in_tx;	    /* the snapshot's transaction is open */
	bool standby;	    /* pg_is_in_recovery(), by the snapshot */
	size_t n_queries;   /* statements sent */
	char sqlstate[6];   /* of the last statement that failed */
};

/*
 * Connect (dsn: a URL or key=value string; NULL or "": the PG*
 * environment; connect_timeout in seconds, NULL: "10", a DSN's own wins)
 * to a server new enough for pbtables (12: generated columns).  The
 * label lives in arena.  Errors: -PBT_EDB, "cannot connect: <libpq's
 * reason, one line>" at the label.  Close with pbt_pgconn_close() even
 * after an error.
 */
int pbt_pgconn_open(struct pbt_pgconn *c, struct pbt_arena *arena,
		    const char *dsn, const char *connect_timeout,
		    struct pbt_err *err);

/* Roll back pbt_pgconn_snapshot()'s transaction, disconnect.  Idempotent. */
void pbt_pgconn_close(struct pbt_pgconn *c);

/*
 * Run one statement with text parameters (n_params may be 0) and return
 * its result, for the caller to PQclear(); NULL on failure, with err:
 * "query failed: <the server's message>" or "lost the connection: ...",
 * at the label, and detail (e.g. "while reading columns") as the detail
 * line, with the server's hint appended.
 */
struct pg_result *pbt_pgconn_query(struct pbt_pgconn *c, const char *detail,
				   const char *sql, int n_params,
				   const char *const *params,
				   struct pbt_err *err);
/* The same for a statement whose result is not needed: 0 or -PBT_EDB. */
int pbt_pgconn_exec(struct pbt_pgconn *c, const char *detail, const char *sql,
		    struct pbt_err *err);

/*
 * Make the session read-only and open one READ ONLY REPEATABLE READ
 * transaction (one snapshot, no writes, works on a hot standby) with
 * statement_timeout ("30s", "500ms"; NULL: "30s") and search_path =
 * pg_catalog (the deparser then qualifies every name the same way);
 * sets c->standby.  pbt_pgconn_close() rolls it back.
 */
int pbt_pgconn_snapshot(struct pbt_pgconn *c, const char *statement_timeout,
			struct pbt_err *err);

/*
 * Run a script's statements: those before the transaction one at a time,
 * those of the transaction in one transaction under SET LOCAL
 * lock_timeout, then those after COMMIT one at a time (under the same
 * lock_timeout).  On failure err's detail names the statement ("in:" and
 * its first line, the lock it waits for after a lock timeout).
 */
int pbt_pgconn_run(struct pbt_pgconn *c, const struct pbt_sql *s,
		   struct pbt_err *err);

/*
 * The number of the result column named name (pg_dump's
 * `i_relname = PQfnumber(res, "relname")`, once per query); a name the
 * query does not have is a bug.
 */
int pbt_pgconn_col(const struct pg_result *res, const char *name);

/* Copy s to out (size bytes) as one line: whitespace runs become one space. */
void pbt_pgconn_one_line(char *out, size_t size, const char *s);

#endif
