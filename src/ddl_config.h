#ifndef PBT_DDL_CONFIG_H
#define PBT_DDL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct pbt_arena;

/*
 * The `tables:` section of pbtable.yaml: which messages become pbtables
 * and how.  Only the syntax is checked here (keys, value kinds, names);
 * whether a field path exists is checked against a schema by ddl.c, with
 * the file:line recorded in each entry.
 *
 *   tables:
 *     - message: demo.v1.Order      # required; everything else defaults
 *       table: shop.orders          # default: public.<message name in snake_case>
 *       primary_key: id             # field path; default: a field `id`, else a row id
 *       columns:                    # default: all-scalars
 *         - all-scalars
 *         - ship_to.city
 *         - { field: total_cents, name: total, type: numeric }
 *       indexes:
 *         - { columns: [status], using: btree, unique: false, name: ... }
 *       view: orders_v              # default: <table>_v; false: no view
 */
enum pbt_colsel_kind {
	PBT_COLSEL_FIELD,	/* one field path */
	PBT_COLSEL_ALL_SCALARS,	/* every top-level field with a scalar column */
};

struct pbt_colsel {
	enum pbt_colsel_kind kind;
	const char *path;	/* proto field names joined by '.' */
	const char *name;	/* column name, or NULL: derived from path */
	const char *type;	/* column type override, or NULL */
	struct pbt_loc loc;
};

struct pbt_idxcfg {
	const char **columns;	/* column names, or "data" */
	struct pbt_loc *column_locs;
	size_t n_columns;
	const char *method;	/* "btree" or "gin" */
	bool unique;
	const char *name;	/* or NULL: derived */
	struct pbt_loc loc;
};

struct pbt_tablecfg {
	const char *message;	/* full name, no leading dot */
	const char *schema;	/* never NULL ("public" by default) */
	const char *table;	/* never NULL */
	const char *primary_key;	/* field path, or NULL: derived */
	const char *view;	/* view name in the table's schema; NULL: no view */
	struct pbt_colsel *cols;	/* empty: all-scalars */
	size_t n_cols;
	struct pbt_idxcfg *indexes;
	size_t n_indexes;
	struct pbt_loc loc, message_loc, pk_loc;
};

struct pbt_ddl_config {
	struct pbt_arena *arena;
	const char *path;	/* as named by the user */
	struct pbt_tablecfg *tables;	/* in file order */
	size_t n_tables;
};

/*
 * Parse YAML text named `name` (for errors).  Returns 0, or -PBT_ECONFIG
 * with err naming name:line:col and what is wrong.  A document without a
 * `tables:` section is an error: there is nothing to generate.
 */
int pbt_ddl_config_parse(struct pbt_ddl_config *c, const char *name,
			 const char *text, size_t len, struct pbt_err *err);
/* Read and parse a file (NULL: ./pbtable.yaml). */
int pbt_ddl_config_load(struct pbt_ddl_config *c, const char *path,
			struct pbt_err *err);
void pbt_ddl_config_release(struct pbt_ddl_config *c);

/* "OrderLine" -> "order_line", "HTTPServer" -> "http_server"; in arena. */
char *pbt_snake_case(struct pbt_arena *a, const char *name);

#endif
