#ifndef PBT_PGCAT_H
#define PBT_PGCAT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "pgconn.h"

struct pbt_arena;

/*
 * A read-only look at a live database's catalog for `pbtable drift`:
 * the relations, columns, indexes, constraints, triggers, rules and
 * functions of the pbtables asked for, read with one query per object
 * kind whatever their number (pg_dump's habit), in one READ ONLY
 * transaction (pgconn.c's snapshot), so it works on a hot standby and
 * never writes.
 */

struct pbt_pgcat_opts {
	/* seconds; NULL: "10" (a connect_timeout in the DSN wins) */
	const char *connect_timeout;
	const char *statement_timeout; /* "30s", "500ms"; NULL: "30s" */
};

struct pbt_pgcat_col {
	const char *name;
	int attnum;
	const char *type; /* format_type(atttypid, atttypmod) */
	bool notnull;
	char generated; /* attgenerated: 's', or 0 */
	char identity;	/* attidentity: 'a', 'd', or 0 */
	/* pg_get_expr() of the default or generation expression */
	const char *expr;
	const char *comment;
};

struct pbt_pgcat_index {
	const char *name;
	bool unique, primary, valid;
	/* only key columns, default operator classes and order, no
	 * expressions, no predicate: what pbtable creates */
	bool plain;
	const char *method; /* pg_am.amname */
	/* quote_ident() of each key column, joined by ", " */
	const char *columns;
	const char *comment;
};

struct pbt_pgcat_con {
	const char *name;
	char type; /* contype: 'p', 'c', 'u', 'f', 'x', 't' */
	bool validated;
	const char *columns; /* conkey as quote_ident()s joined by ", " */
	const char *def; /* pg_get_constraintdef(); NULL for a primary key */
};

struct pbt_pgcat_trigger {
	const char *name;
	int type;     /* tgtype bits */
	char enabled; /* tgenabled: 'O' fires, 'D' disabled, ... */
	bool plain;   /* no arguments, no WHEN */
	const char *fn_schema, *fn_name;
	int fn_nargs;
};

struct pbt_pgcat_rel {
	unsigned oid;
	char kind; /* relkind: 'r', 'p', 'v', 'm', ... */
	const char *comment;
	const char *viewdef; /* pg_get_viewdef(oid, true) of a view */
	struct pbt_pgcat_col *cols; /* by attnum */
	size_t n_cols;
	struct pbt_pgcat_index *indexes; /* by name */
	size_t n_indexes;
	struct pbt_pgcat_con *cons; /* by name */
	size_t n_cons;
	struct pbt_pgcat_trigger *triggers; /* not internal; by name */
	size_t n_triggers;
	const char **rules; /* other than _RETURN; by name */
	size_t n_rules;
};

/* One function of a wanted name; overloads are chained by `next`. */
struct pbt_pgcat_func {
	const char *argtypes; /* oidvectortypes(proargtypes) */
	const char *result;   /* pg_get_function_result() */
	const char *lang;
	char volatility;      /* provolatile */
	char parallel;	      /* proparallel */
	const char *body_sha; /* first 16 hex digits of sha256(prosrc) */
	const char *comment;
	struct pbt_pgcat_func *next;
};

struct pbt_pgcat_name {
	const char *schema, *name;
};

struct pbt_pgcat {
	struct pbt_arena *arena;
	struct pbt_pgconn conn; /* label, standby, statements sent */
	struct pbt_pgcat_rel **rels;   /* per wanted relation; NULL: absent */
	struct pbt_pgcat_func **funcs; /* per wanted function; NULL: absent */
};

/*
 * Connect (dsn: a URL or key=value string; NULL or "": the PG*
 * environment) and open pgconn.c's read-only snapshot with the statement
 * timeout.  Strings live in arena.  Errors (-PBT_EDB) are one line with
 * libpq's message at the label (cat->conn.label, NULL when not even that
 * is known).  Close with pbt_pgcat_close() either way.
 */
int pbt_pgcat_open(struct pbt_pgcat *cat, struct pbt_arena *arena,
		   const char *dsn, const struct pbt_pgcat_opts *o,
		   struct pbt_err *err);

/*
 * Read the relations rels[0..n_rels) (tables and views, by schema and
 * name) and the functions funcs[0..n_funcs) (all overloads of each name)
 * with a fixed number of queries.  Fills cat->rels and cat->funcs.
 */
int pbt_pgcat_read(struct pbt_pgcat *cat, const struct pbt_pgcat_name *rels,
		   size_t n_rels, const struct pbt_pgcat_name *funcs,
		   size_t n_funcs, struct pbt_err *err);

/*
 * Let the server decide whether two expressions over rel's columns are
 * the same: both are parsed and planned in one EXPLAIN (VERBOSE) and the
 * deparsed outputs compared, so they are normalised by the same code,
 * whatever the server version prints.  Read-only, nothing is created;
 * one EXPLAIN per relation with pairs (up to 800 pairs each), plus one
 * query to read them all.  An expression the server cannot parse makes
 * its relation's pairs differ, with the server's reason in `note`.
 */
struct pbt_pgcat_cmp {
	const struct pbt_pgcat_rel *rel;
	const char *want, *live;
	bool same;	  /* out */
	const char *note; /* out: why they could not be compared, or NULL */
};

int pbt_pgcat_compare(struct pbt_pgcat *cat, struct pbt_pgcat_cmp *v, size_t n,
		      struct pbt_err *err);

/* End the transaction and disconnect.  Safe to call twice. */
void pbt_pgcat_close(struct pbt_pgcat *cat);

/* The column, index, constraint or trigger named name, or NULL. */
const struct pbt_pgcat_col *pbt_pgcat_col(const struct pbt_pgcat_rel *r,
					  const char *name);
const struct pbt_pgcat_index *pbt_pgcat_index(const struct pbt_pgcat_rel *r,
					      const char *name);
const struct pbt_pgcat_con *pbt_pgcat_con(const struct pbt_pgcat_rel *r,
					  const char *name);
const struct pbt_pgcat_trigger *pbt_pgcat_trigger(const struct pbt_pgcat_rel *r,
						  const char *name);

#endif
