#ifndef PBT_SCRIPT_H
#define PBT_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

struct pbt_arena;

/*
 * A generated SQL script as a list of statements, pg_dump's one entry
 * per object: each knows what it creates or changes, whether it runs
 * before, in or after the one transaction, the lock it takes and the
 * comment printed above it.  Printing (pbt_sql_render(), pbt.h) and
 * applying (pbt_sql_apply(), pgconn.c) walk the same list, so a failure
 * names its statement without reading the SQL again.
 */

enum pbt_sql_phase {
	PBT_PHASE_TX,	  /* in the one transaction (the zero value) */
	PBT_PHASE_BEFORE, /* before BEGIN, one at a time */
	PBT_PHASE_AFTER,  /* after COMMIT, one at a time: what cannot run in
			   * a transaction block (CREATE INDEX CONCURRENTLY) */
};

/*
 * The strongest lock a statement takes on its object (a table, index or
 * view), in PostgreSQL's order, and who waits for it.
 */
enum pbt_lock {
	/* no table lock: schemas, functions */
	PBT_LOCK_NONE,
	/* COMMENT, VALIDATE, CONCURRENTLY: no reader or writer */
	PBT_LOCK_SHARE_UPDATE_EXCLUSIVE,
	/* CREATE INDEX: writers */
	PBT_LOCK_SHARE,
	/* CREATE TRIGGER: writers */
	PBT_LOCK_SHARE_ROW_EXCLUSIVE,
	/* ALTER TABLE, DROP, CREATE VIEW: readers and writers */
	PBT_LOCK_ACCESS_EXCLUSIVE,
};

/* "ACCESS EXCLUSIVE", ..., "" for PBT_LOCK_NONE. */
const char *pbt_lock_name(enum pbt_lock lock);

struct pbt_sql_stmt {
	enum pbt_sql_phase phase;
	enum pbt_lock lock;
	/* what it creates or changes, as the SQL names it: shop.orders */
	const char *object;
	const char *note; /* comment lines printed above it, or NULL */
	const char *sql;  /* one statement, ending in ';', no newline after */
	bool gap;	  /* a blank line after it: the end of a group */
};

struct pbt_sql {
	struct pbt_arena *arena; /* the statements' strings */
	struct pbt_buf head;	 /* comment lines printed first */
	struct pbt_sql_stmt *v;
	size_t n, cap;
	const char *lock_timeout; /* e.g. "5s" */
	const char **warnings;
	size_t n_warnings, cap_warnings;
};

/* An empty script; lock_timeout NULL: "5s".  Free with pbt_sql_free(). */
struct pbt_sql *pbt_sql_new(const char *lock_timeout);

/*
 * Append a statement: *st with its strings copied.  An AFTER statement
 * may take at most SHARE UPDATE EXCLUSIVE (what the script promises of
 * them); anything stronger is a bug.
 */
void pbt_sql_add(struct pbt_sql *s, const struct pbt_sql_stmt *st);
/* pbt_sql_add(s, &(struct pbt_sql_stmt){ .lock = ..., .sql = ... }) */
#define PBT_SQL_ADD(s, ...) \
	pbt_sql_add((s), &(const struct pbt_sql_stmt){ __VA_ARGS__ })

/* How many statements so far: a mark for pbt_sql_group(). */
size_t pbt_sql_count(const struct pbt_sql *s);

/* Forget the statements added since mark (their strings stay in the arena). */
void pbt_sql_truncate(struct pbt_sql *s, size_t mark);

/*
 * The statements of the transaction added since mark form a group: note
 * (comment lines) goes above the first, a blank line after the last.
 * Returns false, and does nothing, when there are none.
 */
bool pbt_sql_group(struct pbt_sql *s, size_t mark, const char *note);

/* A note for stderr (a column kept stale, something not dropped, ...). */
void pbt_sql_warn(struct pbt_sql *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * PostgreSQL refuses a script holding bytes that are not UTF-8, and only
 * names from a hostile set can put them there: 0, or -PBT_EINPUT naming
 * set_path with the offending SQL line (escaped) in the detail.
 */
int pbt_sql_check_utf8(const struct pbt_sql *s, const char *set_path,
		       struct pbt_err *err);

#endif
