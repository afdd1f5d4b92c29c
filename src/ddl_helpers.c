/*
 * The helper functions' SQL, one table entry each, sorted by name.
 *
 * They are PL/pgSQL with "simple expression" bodies (IF/RETURN, no
 * queries, no exception blocks): that style is the cheapest per call,
 * both for single-row statements and for bulk rewrites (the numbers are
 * in docs/pbtables.md, "Helper functions"), and it never opens a
 * subtransaction.  They call only
 * pg_catalog functions, so pg_dump's empty search_path restores them.
 * Regular expressions avoid backslashes ([.] instead of \.), so a body
 * means the same whatever standard_conforming_strings says.
 *
 * What each accepts follows the proto3 JSON mapping: integers as numbers
 * or strings (exponents and integral fractions too: 1e2, "1.0"), floats
 * also as "NaN"/"Infinity"/"-Infinity", bytes as standard or URL-safe
 * base64 with or without padding, Timestamp as RFC 3339 with Z or an
 * offset, Duration as "<seconds>[.<fraction>]s".  Anything else gives NULL.
 */
#include "ddl_helpers.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "fingerprint.h"
#include "script.h"
#include "sha256.h"
#include "sql_quote.h"

struct helper_def {
	enum pbt_helper id;
	const char *name;
	const char *args;	/* with parameter names */
	const char *argtypes;
	const char *returns;
	const char *attrs;	/* volatility, parallel safety */
	const char *decl;	/* DECLARE section, or NULL */
	const char *body;	/* between BEGIN and END */
};

#define IMM "IMMUTABLE PARALLEL SAFE"

/* JSON null and absence both mean "not set". */
#define UNSET "\tIF j IS NULL OR jsonb_typeof(j) = 'null' THEN\n\t\tRETURN dflt;\n\tEND IF;\n"
/* A JSON number, or a string holding one (decimal, optional exponent). */
#define NUMBER_TEXT \
	"\tIF jsonb_typeof(j) NOT IN ('number', 'string') THEN\n\t\tRETURN NULL;\n\tEND IF;\n" \
	"\tt := j #>> '{}';\n"
#define NUMBER_RE "'^-?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]{1,4})?$'"

static const struct helper_def helpers[] = {
	{ PBT_H_BOOL, "bool_v1", "j jsonb, dflt boolean", "jsonb, boolean", "boolean", IMM, NULL,
	  UNSET
	  "\tIF jsonb_typeof(j) = 'boolean' THEN\n\t\tRETURN j::boolean;\n\tEND IF;\n"
	  "\tRETURN NULL;\n" },
	{ PBT_H_BYTES, "bytes_v1", "j jsonb, dflt bytea", "jsonb, bytea", "bytea", IMM,
	  "\tt text;\n",
	  UNSET
	  "\tIF jsonb_typeof(j) <> 'string' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  /* standard or URL-safe alphabet, padding optional */
	  "\tt := j #>> '{}';\n"
	  "\tIF t !~ '^[A-Za-z0-9+/_-]*={0,2}$' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tt := translate(rtrim(t, '='), '-_', '+/');\n"
	  "\tIF length(t) % 4 = 1 THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tRETURN decode(rpad(t, (length(t) + 3) / 4 * 4, '='), 'base64');\n" },
	{ PBT_H_BYTES_OUT, "bytes_out_v1", "b bytea", "bytea", "jsonb", IMM, NULL,
	  /* encode() breaks lines every 76 characters; JSON must not */
	  "\tRETURN to_jsonb(translate(encode(b, 'base64'), chr(10), ''));\n" },
	{ PBT_H_DURATION, "duration_v1", "j jsonb", "jsonb", "interval", IMM,
	  "\tt text;\n\tn numeric;\n",
	  "\tIF jsonb_typeof(j) IS DISTINCT FROM 'string' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tt := j #>> '{}';\n"
	  "\tIF t !~ '^-?[0-9]{1,12}([.][0-9]{1,9})?s$' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tn := left(t, -1)::numeric;\n"
	  "\tIF abs(n) > 315576000000.999999999 THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  /* hours + seconds: a float8 of all seconds would lose microseconds */
	  "\tRETURN make_interval(hours => div(n, 3600)::integer,\n"
	  "\t\t\t     secs => round(mod(n, 3600), 6)::double precision);\n" },
	{ PBT_H_DURATION_OUT, "duration_out_v1", "v interval", "interval", "jsonb", IMM,
	  "\ts numeric;\n",
	  "\ts := extract(epoch FROM v);\n"
	  "\tIF s = trunc(s) THEN\n\t\tRETURN to_jsonb(trunc(s)::text || 's');\n\tEND IF;\n"
	  "\tIF s = round(s, 3) THEN\n\t\tRETURN to_jsonb(round(s, 3)::text || 's');\n\tEND IF;\n"
	  "\tRETURN to_jsonb(round(s, 6)::text || 's');\n" },
	{ PBT_H_DURATION_SECS, "duration_secs_v1", "j jsonb", "jsonb", "numeric", IMM,
	  "\tt text;\n\tn numeric;\n",
	  "\tIF jsonb_typeof(j) IS DISTINCT FROM 'string' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tt := j #>> '{}';\n"
	  "\tIF t !~ '^-?[0-9]{1,12}([.][0-9]{1,9})?s$' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tn := left(t, -1)::numeric;\n"
	  "\tIF abs(n) > 315576000000.999999999 THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tRETURN n;\n" },
	{ PBT_H_EMPTY, "empty_v1", "j jsonb", "jsonb", "boolean", IMM, NULL,
	  "\tIF j IS NULL OR jsonb_typeof(j) = 'null' THEN\n\t\tRETURN false;\n\tEND IF;\n"
	  "\tIF jsonb_typeof(j) = 'object' THEN\n\t\tRETURN true;\n\tEND IF;\n"
	  "\tRETURN NULL;\n" },
	{ PBT_H_ENUM, "enum_v1", "j jsonb, names jsonb, dflt text", "jsonb, jsonb, text", "text", IMM,
	  "\tt text;\n",
	  UNSET
	  /* a name from a newer schema is still a name: keep it */
	  "\tIF jsonb_typeof(j) = 'string' THEN\n\t\tRETURN j #>> '{}';\n\tEND IF;\n"
	  "\tt := j #>> '{}';\n"
	  "\tIF jsonb_typeof(j) = 'number' AND t ~ '^-?[0-9]{1,10}([.]0*)?$' THEN\n"
	  "\t\tt := trunc(t::numeric)::text;\n"
	  "\t\tIF t::bigint BETWEEN -2147483648 AND 2147483647 THEN\n"
	  "\t\t\tRETURN coalesce(names ->> t, t);\n"
	  "\t\tEND IF;\n"
	  "\tEND IF;\n"
	  "\tRETURN NULL;\n" },
	{ PBT_H_ENUM_NUM, "enum_num_v1", "j jsonb, numbers jsonb, dflt integer",
	  "jsonb, jsonb, integer", "integer", IMM,
	  "\tt text;\n",
	  UNSET
	  "\tt := j #>> '{}';\n"
	  "\tIF jsonb_typeof(j) = 'string' THEN\n\t\tRETURN (numbers ->> t)::integer;\n\tEND IF;\n"
	  "\tIF jsonb_typeof(j) = 'number' AND t ~ '^-?[0-9]{1,10}([.]0*)?$' THEN\n"
	  "\t\tt := trunc(t::numeric)::text;\n"
	  "\t\tIF t::bigint BETWEEN -2147483648 AND 2147483647 THEN\n"
	  "\t\t\tRETURN t::integer;\n"
	  "\t\tEND IF;\n"
	  "\tEND IF;\n"
	  "\tRETURN NULL;\n" },
	{ PBT_H_ENUM_OUT, "enum_out_v1", "v text", "text", "jsonb", IMM, NULL,
	  /* a number the schema has no name for is written as a number */
	  "\tIF v ~ '^-?[0-9]{1,10}$' THEN\n\t\tRETURN to_jsonb(v::bigint);\n\tEND IF;\n"
	  "\tRETURN to_jsonb(v);\n" },
	{ PBT_H_FIELDMASK, "fieldmask_v1", "j jsonb", "jsonb", "text[]", IMM,
	  "\tt text;\n",
	  "\tIF jsonb_typeof(j) IS DISTINCT FROM 'string' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tt := j #>> '{}';\n"
	  "\tIF t = '' THEN\n\t\tRETURN ARRAY[]::text[];\n\tEND IF;\n"
	  "\tRETURN string_to_array(t, ',');\n" },
	{ PBT_H_FLOAT4, "float4_v1", "j jsonb, dflt real", "jsonb, real", "real", IMM,
	  "\tt text;\n\tn numeric;\n",
	  UNSET
	  NUMBER_TEXT
	  "\tIF jsonb_typeof(j) = 'string' AND t IN ('NaN', 'Infinity', '-Infinity') THEN\n"
	  "\t\tRETURN t::real;\n\tEND IF;\n"
	  "\tIF t !~ " NUMBER_RE " THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tn := t::numeric;\n"
	  /* beyond FLT_MAX plus half an ulp the value does not round to a float */
	  "\tIF abs(n) >= 3.4028235677973366e38 THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  /* float4in raises on underflow; the JSON value rounds to zero */
	  "\tIF abs(n) < 7.1e-46 THEN\n\t\tRETURN 0;\n\tEND IF;\n"
	  "\tRETURN t::real;\n" },
	{ PBT_H_FLOAT8, "float8_v1", "j jsonb, dflt double precision",
	  "jsonb, double precision", "double precision", IMM,
	  "\tt text;\n\tn numeric;\n",
	  UNSET
	  NUMBER_TEXT
	  "\tIF jsonb_typeof(j) = 'string' AND t IN ('NaN', 'Infinity', '-Infinity') THEN\n"
	  "\t\tRETURN t::double precision;\n\tEND IF;\n"
	  "\tIF t !~ " NUMBER_RE " THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tn := t::numeric;\n"
	  "\tIF abs(n) >= 1.7976931348623158079e308 THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tIF abs(n) < 2.5e-324 THEN\n\t\tRETURN 0;\n\tEND IF;\n"
	  "\tRETURN t::double precision;\n" },
	{ PBT_H_INT32, "int32_v1", "j jsonb, dflt integer", "jsonb, integer", "integer", IMM,
	  "\tt text;\n\tn numeric;\n",
	  UNSET
	  NUMBER_TEXT
	  "\tIF t ~ '^-?[0-9]{1,9}$' THEN\n\t\tRETURN t::integer;\n\tEND IF;\n"
	  "\tIF t !~ " NUMBER_RE " THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tn := t::numeric;\n"
	  "\tIF n <> trunc(n) OR n < -2147483648 OR n > 2147483647 THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tRETURN n::integer;\n" },
	{ PBT_H_INT64, "int64_v1", "j jsonb, dflt bigint", "jsonb, bigint", "bigint", IMM,
	  "\tt text;\n\tn numeric;\n",
	  UNSET
	  NUMBER_TEXT
	  "\tIF t ~ '^-?[0-9]{1,18}$' THEN\n\t\tRETURN t::bigint;\n\tEND IF;\n"
	  "\tIF t !~ " NUMBER_RE " THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tn := t::numeric;\n"
	  "\tIF n <> trunc(n) OR n < -9223372036854775808 OR n > 9223372036854775807 THEN\n"
	  "\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tRETURN n::bigint;\n" },
	{ PBT_H_JSON, "json_v1", "j jsonb, kind text, dflt jsonb", "jsonb, text, jsonb", "jsonb", IMM,
	  NULL,
	  UNSET
	  "\tIF jsonb_typeof(j) = kind THEN\n\t\tRETURN j;\n\tEND IF;\n"
	  "\tRETURN NULL;\n" },
	{ PBT_H_SET, "set_v1", "d jsonb, p text[], v jsonb", "jsonb, text[], jsonb", "jsonb", IMM,
	  "\ti integer;\n",
	  /* NULL removes the key; missing parent objects are created */
	  "\tIF v IS NULL THEN\n\t\tRETURN d #- p;\n\tEND IF;\n"
	  "\tFOR i IN 1 .. array_length(p, 1) - 1 LOOP\n"
	  "\t\tIF jsonb_typeof(d #> p[1:i]) IS DISTINCT FROM 'object' THEN\n"
	  "\t\t\td := jsonb_set(d, p[1:i], '{}');\n"
	  "\t\tEND IF;\n"
	  "\tEND LOOP;\n"
	  "\tRETURN jsonb_set(d, p, v);\n" },
	{ PBT_H_TEXT, "text_v1", "j jsonb, dflt text", "jsonb, text", "text", IMM, NULL,
	  UNSET
	  "\tIF jsonb_typeof(j) = 'string' THEN\n\t\tRETURN j #>> '{}';\n\tEND IF;\n"
	  "\tRETURN NULL;\n" },
	{ PBT_H_TS, "ts_v1", "j jsonb", "jsonb", "timestamp with time zone", IMM,
	  "\tt text;\n\tf text;\n\ty integer;\n\tmo integer;\n\td integer;\n"
	  "\th integer;\n\tmi integer;\n\toh integer := 0;\n\tom integer := 0;\n"
	  "\tsgn integer := 1;\n\tr timestamp;\n",
	  "\tIF jsonb_typeof(j) IS DISTINCT FROM 'string' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tt := j #>> '{}';\n"
	  "\tIF t !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}"
	  "([.][0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$' THEN\n"
	  "\t\tRETURN NULL;\n\tEND IF;\n"
	  "\ty := substr(t, 1, 4)::integer;\n"
	  "\tmo := substr(t, 6, 2)::integer;\n"
	  "\td := substr(t, 9, 2)::integer;\n"
	  "\th := substr(t, 12, 2)::integer;\n"
	  "\tmi := substr(t, 15, 2)::integer;\n"
	  "\tIF right(t, 1) IN ('Z', 'z') THEN\n"
	  "\t\tf := substr(t, 18, length(t) - 18);\n"
	  "\tELSE\n"
	  "\t\toh := substr(t, length(t) - 4, 2)::integer;\n"
	  "\t\tom := right(t, 2)::integer;\n"
	  "\t\tIF substr(t, length(t) - 5, 1) = '-' THEN\n\t\t\tsgn := -1;\n\t\tEND IF;\n"
	  "\t\tf := substr(t, 18, length(t) - 23);\n"
	  "\tEND IF;\n"
	  /* check the calendar here: make_timestamp() raises on 2023-02-29 */
	  "\tIF y < 1 OR mo < 1 OR mo > 12 OR d < 1 OR h > 23 OR mi > 59 OR oh > 23\n"
	  "\t   OR om > 59 OR substr(f, 1, 2)::integer > 59\n"
	  "\t   OR d > (CASE WHEN mo = 2 THEN\n"
	  "\t\t\t   CASE WHEN y % 4 = 0 AND (y % 100 <> 0 OR y % 400 = 0)\n"
	  "\t\t\t\tTHEN 29 ELSE 28 END\n"
	  "\t\t\tWHEN mo IN (4, 6, 9, 11) THEN 30 ELSE 31 END) THEN\n"
	  "\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tr := make_timestamp(y, mo, d, h, mi, 0) - sgn * make_interval(hours => oh, mins => om);\n"
	  "\tIF r < make_timestamp(1, 1, 1, 0, 0, 0) OR r > make_timestamp(9999, 12, 31, 23, 59, 59) THEN\n"
	  "\t\tRETURN NULL;\n\tEND IF;\n"
	  /* nanoseconds round to microseconds, as the built-in parser does */
	  "\tr := r + make_interval(secs => round(f::numeric, 6)::double precision);\n"
	  "\tIF r > make_timestamp(9999, 12, 31, 23, 59, 59.999999) THEN\n"
	  "\t\tr := make_timestamp(9999, 12, 31, 23, 59, 59.999999);\n"
	  "\tEND IF;\n"
	  "\tRETURN r AT TIME ZONE 'UTC';\n" },
	{ PBT_H_TS_OUT, "ts_out_v1", "v timestamp with time zone", "timestamp with time zone",
	  "jsonb", "STABLE PARALLEL SAFE",
	  "\tu timestamp;\n\tus integer;\n",
	  "\tIF v IS NULL OR NOT isfinite(v) THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tu := v AT TIME ZONE 'UTC';\n"
	  "\tus := (extract(microseconds FROM u) % 1000000)::integer;\n"
	  "\tRETURN to_jsonb(to_char(u, 'YYYY-MM-DD\"T\"HH24:MI:SS')\n"
	  "\t\t|| CASE WHEN us = 0 THEN ''\n"
	  "\t\t\tWHEN us % 1000 = 0 THEN '.' || lpad((us / 1000)::text, 3, '0')\n"
	  "\t\t\tELSE '.' || lpad(us::text, 6, '0') END\n"
	  "\t\t|| 'Z');\n" },
	{ PBT_H_UINT32, "uint32_v1", "j jsonb, dflt bigint", "jsonb, bigint", "bigint", IMM,
	  "\tt text;\n\tn numeric;\n",
	  UNSET
	  NUMBER_TEXT
	  "\tIF t ~ '^[0-9]{1,9}$' THEN\n\t\tRETURN t::bigint;\n\tEND IF;\n"
	  "\tIF t !~ " NUMBER_RE " THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tn := t::numeric;\n"
	  "\tIF n <> trunc(n) OR n < 0 OR n > 4294967295 THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tRETURN n::bigint;\n" },
	{ PBT_H_UINT64, "uint64_v1", "j jsonb, dflt numeric", "jsonb, numeric", "numeric", IMM,
	  "\tt text;\n\tn numeric;\n",
	  UNSET
	  NUMBER_TEXT
	  "\tIF t !~ " NUMBER_RE " THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tn := t::numeric;\n"
	  "\tIF n <> trunc(n) OR n < 0 OR n > 18446744073709551615 THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tRETURN trunc(n);\n" },
};

static const struct helper_def *find(enum pbt_helper h)
{
	if ((int)h < 0 || h >= PBT_N_HELPERS || helpers[h].id != h)
		PBT_BUG("helper %d out of order", (int)h);
	return &helpers[h];
}

const char *pbt_helper_name(enum pbt_helper h)
{
	return find(h)->name;
}

const char *pbt_helper_argtypes(enum pbt_helper h)
{
	return find(h)->argtypes;
}

const char *pbt_helper_returns(enum pbt_helper h)
{
	return find(h)->returns;
}

char pbt_helper_volatility(enum pbt_helper h)
{
	/* pg_proc.provolatile: every helper is IMMUTABLE or STABLE */
	return strncmp(find(h)->attrs, "IMMUTABLE", 9) ? 's' : 'i';
}

enum pbt_helper pbt_helper_find(const char *name)
{
	int h;

	for (h = 0; h < PBT_N_HELPERS; h++)
		if (!strcmp(helpers[h].name, name))
			return (enum pbt_helper)h;
	return PBT_H_NONE;
}

void pbt_helper_body(struct pbt_buf *b, enum pbt_helper h)
{
	const struct helper_def *d = find(h);

	pbt_buf_adds(b, "\n");
	if (d->decl) {
		pbt_buf_adds(b, "DECLARE\n");
		pbt_buf_adds(b, d->decl);
	}
	pbt_buf_adds(b, "BEGIN\n");
	pbt_buf_adds(b, d->body);
	pbt_buf_adds(b, "END\n");
}

/*
 * CREATE OR REPLACE is only safe if it never changes a body: it
 * recomputes no stored row, so rows stored under the old one would
 * silently disagree with new rows (docs/pbtables.md, "Versioned by
 * name").  So first check that every helper that already exists has
 * exactly our body, by its SHA-256, and stop the transaction if not.
 */
static void guard(struct pbt_buf *b, uint32_t set)
{
	struct pbt_buf body = PBT_BUF_INIT, sig = PBT_BUF_INIT;
	char sha[65];
	int h, n = 0;

	pbt_buf_adds(b, "DO $pbt$\nDECLARE\n\th record;\nBEGIN\n"
		     "\tFOR h IN SELECT * FROM (VALUES");
	for (h = 0; h < PBT_N_HELPERS; h++) {
		const struct helper_def *d = find((enum pbt_helper)h);

		if (!(set & PBT_HBIT(h)))
			continue;
		pbt_buf_reset(&body);
		pbt_helper_body(&body, d->id);
		pbt_sha256_hex(body.buf, body.len, sha, 64);
		pbt_buf_reset(&sig);
		pbt_buf_addf(&sig, "%s.%s(%s)", PBT_HELPER_SCHEMA, d->name, d->argtypes);
		pbt_buf_adds(b, n++ ? ",\n\t\t(" : "\n\t\t(");
		pbt_sql_literal(b, sig.buf);
		pbt_buf_adds(b, ", ");
		pbt_sql_literal(b, sha);
		pbt_buf_adds(b, ")");
	}
	pbt_buf_adds(b, ") AS v (fn, sha) LOOP\n"
		     "\t\tIF to_regprocedure(h.fn) IS NOT NULL AND (SELECT encode(sha256(\n"
		     "\t\t\t\tconvert_to(prosrc, 'UTF8')), 'hex') FROM pg_proc\n"
		     "\t\t\t\tWHERE oid = to_regprocedure(h.fn)) <> h.sha THEN\n"
		     "\t\t\tRAISE EXCEPTION 'helper % exists with another body', h.fn\n"
		     "\t\t\t\tUSING HINT = 'a helper never changes under its name; "
		     "find out who changed it';\n"
		     "\t\tEND IF;\n\tEND LOOP;\nEND\n$pbt$;");
	pbt_buf_release(&body);
	pbt_buf_release(&sig);
}

void pbt_helpers_sql(struct pbt_sql *s, uint32_t set)
{
	struct pbt_buf body = PBT_BUF_INIT, fp = PBT_BUF_INIT, q = PBT_BUF_INIT;
	struct pbt_buf b = PBT_BUF_INIT, fn = PBT_BUF_INIT;
	char tag[32], sha[17];
	int h;

	if (!set)
		return;
	guard(&b, set);
	PBT_SQL_ADD(s, .object = PBT_HELPER_SCHEMA, .sql = b.buf);
	for (h = 0; h < PBT_N_HELPERS; h++) {
		const struct helper_def *d = find((enum pbt_helper)h);

		if (!(set & PBT_HBIT(h)))
			continue;
		pbt_buf_reset(&body);
		pbt_helper_body(&body, d->id);
		pbt_sql_dollar_tag(body.buf, tag, sizeof(tag));
		pbt_buf_reset(&q);
		pbt_sql_qualified(&q, PBT_HELPER_SCHEMA, d->name);
		pbt_buf_reset(&fn);
		pbt_buf_addf(&fn, "%s(%s)", q.buf, d->argtypes);
		pbt_buf_reset(&b);
		/* room first: a too small buffer makes addf format twice */
		pbt_buf_grow(&b, body.len + 512);
		pbt_buf_addf(&b, "CREATE OR REPLACE FUNCTION %s(%s)\n"
			     "\tRETURNS %s LANGUAGE plpgsql %s\n"
			     "AS %s%s%s;",
			     q.buf, d->args, d->returns, d->attrs, tag, body.buf, tag);
		PBT_SQL_ADD(s, .object = fn.buf, .sql = b.buf);
		pbt_sha256_hex(body.buf, body.len, sha, 16);
		pbt_buf_reset(&fp);
		pbt_fingerprint_begin(&fp);
		pbt_fingerprint_add(&fp, "kind", "helper");
		pbt_fingerprint_add(&fp, "function", d->name);
		pbt_fingerprint_add(&fp, "body_sha", sha);
		pbt_buf_reset(&b);
		pbt_buf_addf(&b, "COMMENT ON FUNCTION %s IS ", fn.buf);
		pbt_sql_literal(&b, fp.buf);
		pbt_buf_adds(&b, ";");
		PBT_SQL_ADD(s, .object = fn.buf, .sql = b.buf);
	}
	pbt_buf_release(&body);
	pbt_buf_release(&fp);
	pbt_buf_release(&q);
	pbt_buf_release(&b);
	pbt_buf_release(&fn);
}
