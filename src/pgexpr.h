#ifndef PBT_PGEXPR_H
#define PBT_PGEXPR_H

#include <stdbool.h>

struct pbt_arena;
struct pbt_buf;

/*
 * PostgreSQL rewrites an expression when it stores it: pg_get_expr()
 * prints `(data -> 'qty'::text)` for `data -> 'qty'`, `(0)::bigint` for a
 * 0 passed as bigint, `'\x'::bytea` for '' as bytea (docs/drift.md,
 * "Expressions"), so comparing what pbtable generates with what the
 * catalog holds needs the same rewriting on our side.
 *
 * pbt_pgexpr_deparse() predicts the text PostgreSQL 15 prints (with
 * search_path = pg_catalog, standard_conforming_strings on) for the
 * expressions pbtable generates: pgmap.c's generation expressions and
 * ddl.c's CHECK expressions.  The result is squeezed as by
 * pbt_pgexpr_squeeze() and lives in arena.  It returns NULL for anything
 * outside that small grammar; a NULL or a mismatch is never taken as
 * drift on its own: the caller then has the server compare (pgcat.c).
 */
char *pbt_pgexpr_deparse(struct pbt_arena *a, const char *expr);

/*
 * s with every run of whitespace outside quotes collapsed to one space
 * and none at either end (pg_get_expr() and pg_get_viewdef() break lines
 * and indent; that means nothing).  In arena.
 */
char *pbt_pgexpr_squeeze(struct pbt_arena *a, const char *s);

/*
 * Append the JSON text json as jsonb_out() prints it: object keys sorted
 * by length, then bytes, the last of duplicate keys kept, ", " and ": "
 * between items.  Returns false (out unchanged) for what it does not
 * model: numbers other than integers, \u escapes beyond ASCII, bad JSON.
 */
bool pbt_pgexpr_jsonb(struct pbt_buf *out, const char *json);

#endif
