#ifndef PBT_PGMAP_H
#define PBT_PGMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ddl_helpers.h"
#include "err.h"

struct pbt_arena;
struct pbt_field;
struct pbt_message;

/*
 * Proto field -> Postgres column, following the proto3 JSON mapping: the
 * column type, the generation expression that reads it out of `data`
 * (keyed by json_name), and how the writable view puts a value back.
 * The table of types is in docs/pbtables.md; the SQL of the helpers the
 * expressions call is ddl_helpers.c's.
 */
enum pbt_colkind {
	PBT_COL_FIELD,		/* one field, possibly nested (a.b.c) */
	PBT_COL_ONEOF_CASE,	/* which member of a oneof is set */
};

struct pbt_pgcol {
	enum pbt_colkind kind;
	const char *name;	/* column name, unquoted */
	const char *pgtype;	/* "bigint", "numeric(20,0)", ... */
	const char *expr;	/* generation expression over `data` */
	/*
	 * How the helpers find the field: its parent object (an expression
	 * over `data`: message fields along the path, oneof checks) and
	 * its two keys, json_name and proto name (NULL when the same):
	 * "pbtable.msg_v2(data, 'shipTo', 'ship_to'), 'city', NULL".
	 */
	const char *vargs;
	const char *raw;	/* the JSON value: pbtable.value_v2(vargs) */
	/* valid_v2's type and message definitions (jsonb literals) */
	const char *spec;
	/* --strict: the CHECK expression (NULL: none) */
	const char *check;
	enum pbt_helper helper;	/* the read helper, or PBT_H_NONE */
	pbt_helper_set helpers;	/* PBT_HBIT set of helpers read and write use */

	/* What it was generated from (the fingerprint). */
	const char *numbers;	/* field numbers along the path: "5.2" */
	const char *path;	/* proto names: "ship_to.city" */
	const char *json;	/* json names: "shipTo.city" */
	const char *ptype;	/* "int64", "enum:pkg.Status", "message:pkg.Addr" */
	const char *presence;	/* implicit, explicit, repeated, map, oneof */

	/*
	 * Write path: the jsonb to store for view value V is
	 * wpre V wpost; NULL wpre: the column is read-only.  A value equal
	 * to dflt (a SQL literal; NULL: none) removes the key, as canonical
	 * JSON omits defaults.  Setting a oneof member removes its siblings
	 * (clear[]: their key paths, as keys).  The write helpers raise
	 * (22003, 22007, 22P02) for a value JSON cannot hold.
	 */
	/* set_v2's key paths: ARRAY['shipTo', 'city'], ARRAY['ship_to', 'city'] */
	const char *keys;
	const char *wpre, *wpost;
	const char *dflt;
	const char **clear;
	size_t n_clear;

	/* Breaking-change subjects that change what this column means:
	 * "pkg.Msg#3" per field on the path, "pkg.Msg" per message, and
	 * the enum or message type of the leaf (see pbt_cx_subject()). */
	const char **subjects;
	size_t n_subjects;

	bool retired;		/* migrate: no longer projected, kept (comment says so) */
	bool keyable;		/* a scalar type: may be a primary key */
	bool is_jsonb;		/* jsonb or array type: may take a gin index */
	struct pbt_loc loc;	/* the config entry it came from */
};

/*
 * Map a path (proto field names joined by '.'; the last may name a
 * oneof) of msg to a column named by `name` (NULL: derived from the path).
 * `type` overrides the column type (NULL: the mapping's default); only
 * the alternatives listed in docs/pbtables.md are accepted.  Strings live
 * in arena.  Errors (-PBT_ECONFIG) are reported at loc.
 */
int pbt_pgmap_path(struct pbt_arena *arena, const struct pbt_message *msg,
		   const char *path, const char *name, const char *type,
		   const struct pbt_loc *loc, struct pbt_pgcol *out,
		   struct pbt_err *err);

/* Does `all-scalars` project this top-level field? */
bool pbt_pgmap_is_scalar(const struct pbt_field *f);

/* The default column name of a path: "ship_to.city" -> "ship_to_city". */
char *pbt_pgmap_column_name(struct pbt_arena *arena, const char *path);

#endif
