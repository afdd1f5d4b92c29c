#ifndef PBT_DDL_HELPERS_H
#define PBT_DDL_HELPERS_H

#include <stdint.h>

struct pbt_buf;
struct pbt_sql;

/*
 * The SQL helper functions generated columns and view triggers call,
 * created in schema PBT_HELPER_SCHEMA.  A helper's name carries its
 * version (int64_v1): its behaviour never changes under a name, because
 * stored columns computed with an old body would silently disagree with
 * new rows.  A changed helper is a new name.
 *
 * Read helpers (used in generation expressions) are IMMUTABLE for real:
 * no dependence on TimeZone, DateStyle or the clock.  They take the JSON
 * value (jsonb, SQL NULL when the key is absent) and return NULL, never an
 * error, for a value that is not valid proto3 JSON for the type.
 */
#define PBT_HELPER_SCHEMA "pbtable"

enum pbt_helper {
	PBT_H_BOOL,
	PBT_H_BYTES,
	PBT_H_BYTES_OUT,
	PBT_H_CASE,
	PBT_H_DURATION,
	PBT_H_DURATION_OUT,
	PBT_H_DURATION_SECS,
	PBT_H_DURSECS_OUT,
	PBT_H_EMPTY,
	PBT_H_ENUM,
	PBT_H_ENUM_NUM,
	PBT_H_ENUM_OUT,
	PBT_H_FIELDMASK,
	PBT_H_FIELDMASK_OUT,
	PBT_H_FLOAT4,
	PBT_H_FLOAT8,
	PBT_H_FLOAT_OUT,
	PBT_H_INT32,
	PBT_H_INT64,
	PBT_H_INT_OUT,
	PBT_H_JSON,
	PBT_H_JSON_IN,
	PBT_H_MSG,
	PBT_H_ONEOF,
	PBT_H_SET,
	PBT_H_TEXT,
	PBT_H_TS,
	PBT_H_TS_OUT,
	PBT_H_UINT32,
	PBT_H_UINT64,
	PBT_H_UNSET,
	PBT_H_VALID,
	PBT_H_VALUE,
	PBT_N_HELPERS,
	PBT_H_NONE = -1,
};

/* A set of helpers, one bit each (there are more than 32). */
typedef uint64_t pbt_helper_set;
#define PBT_HBIT(h) ((pbt_helper_set)1 << (h))

/* "int64_v1": the versioned name, without the schema. */
const char *pbt_helper_name(enum pbt_helper h);
/* "jsonb, bigint": argument types, for COMMENT ON FUNCTION and drift. */
const char *pbt_helper_argtypes(enum pbt_helper h);

/* The result type ("bigint") and pg_proc.provolatile ('i' or 's') of h. */
const char *pbt_helper_returns(enum pbt_helper h);
char pbt_helper_volatility(enum pbt_helper h);
/* The helper named name ("int64_v1", no schema), or PBT_H_NONE. */
enum pbt_helper pbt_helper_find(const char *name);

/*
 * Add to s a guard (a DO block that stops the transaction if a helper in
 * `set` exists with another body) and CREATE OR REPLACE FUNCTION +
 * COMMENT statements for every helper in `set` (PBT_HBIT bits), in name
 * order.  Replacing is safe because a name's body never changes; it makes
 * the script re-runnable and lets two pbtables share the helpers.
 */
void pbt_helpers_sql(struct pbt_sql *s, pbt_helper_set set);

/* The exact text between the dollar quotes of h (PostgreSQL's prosrc). */
void pbt_helper_body(struct pbt_buf *b, enum pbt_helper h);

#endif
