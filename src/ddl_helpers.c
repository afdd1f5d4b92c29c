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

/*
 * Every read helper takes the parent object p and the field's two JSON
 * keys: k its json_name, k2 its proto name (NULL when they are the same).
 * RESOLVE sets j to the value under either key; a key given twice (both
 * names) or a parent that is not a valid message (p NULL) makes the field
 * invalid: NULL.  With k NULL, p is the value itself (valid_v2 checks
 * array elements and map values so).
 */
#define RESOLVE \
	"\tIF k IS NULL THEN\n\t\tj := p;\n" \
	"\tELSIF p IS NULL THEN\n\t\tRETURN NULL;\n" \
	"\tELSE\n\t\tj := p -> k;\n" \
	"\t\tIF k2 IS NOT NULL AND p ? k2 THEN\n" \
	"\t\t\tIF j IS NOT NULL THEN\n\t\t\t\tRETURN NULL;\n\t\t\tEND IF;\n" \
	"\t\t\tj := p -> k2;\n\t\tEND IF;\n\tEND IF;\n"
#define KEYS "p jsonb, k text, k2 text"
#define KEYTYPES "jsonb, text, text"
/* JSON null and absence both mean "not set". */
#define UNSET "\tIF j IS NULL OR jsonb_typeof(j) = 'null' THEN\n\t\tRETURN dflt;\n\tEND IF;\n"
/* A decimal number, as JSON writes them, in a string (a sign allowed). */
#define NUMBER_RE "'^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?0*[0-9]{1,4})?$'"

/*
 * j (a number or a string) as an exact integer in n, or RETURN NULL.  An
 * integer literal reads exactly; one with a fraction or an exponent goes
 * through the nearest double first, as protobuf's parsers read it
 * (1.0000000000000001 is 1, 1e-400 is 0).  A JSON number keeps no
 * spelling in jsonb: its scale says whether it had a fraction.
 */
#define INTEGER(lo, hi) \
	"\tIF jsonb_typeof(j) = 'number' THEN\n" \
	"\t\tn := j::numeric;\n" \
	"\t\tdbl := scale(n) > 0;\n" \
	"\tELSIF jsonb_typeof(j) = 'string' THEN\n" \
	"\t\tt := j #>> '{}';\n" \
	"\t\tIF t !~ " NUMBER_RE " THEN\n\t\t\tRETURN NULL;\n\t\tEND IF;\n" \
	"\t\tn := t::numeric;\n" \
	"\t\tdbl := t !~ '^[-+]?[0-9]+$';\n" \
	"\tELSE\n\t\tRETURN NULL;\n\tEND IF;\n" \
	"\tIF dbl THEN\n" \
	"\t\tIF abs(n) >= 18446744073709551616 THEN\n\t\t\tRETURN NULL;\n" \
	"\t\tELSIF abs(n) < 2.4703282292062328e-324 THEN\n\t\t\tn := 0;\n" \
	"\t\tELSE\n" \
	"\t\t\tf := n::double precision;\n" \
	"\t\t\tIF f <> trunc(f) OR abs(f) >= 18446744073709551616::double precision THEN\n" \
	"\t\t\t\tRETURN NULL;\n\t\t\tEND IF;\n" \
	/* exactly: float8 -> numeric keeps only 15 digits */ \
	"\t\t\tIF f >= 9223372036854775808::double precision THEN\n" \
	"\t\t\t\tn := (f - 9223372036854775808::double precision)::bigint\n" \
	"\t\t\t\t     + 9223372036854775808::numeric;\n" \
	"\t\t\tELSE\n\t\t\t\tn := f::bigint;\n\t\t\tEND IF;\n" \
	"\t\tEND IF;\n" \
	"\tEND IF;\n" \
	"\tIF n < " lo " OR n > " hi " THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
#define INTEGER_DECL "\tj jsonb;\n\tt text;\n\tn numeric;\n\tf double precision;\n\tdbl boolean;\n"

/*
 * j (a number or a string) as a double in f, or RETURN NULL.  Beyond the
 * double range a JSON number is invalid and a string is +-Infinity (as
 * both reference parsers read "1e400"); below it, zero keeps its sign.
 */
#define DBL_MID "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792"
#define DOUBLE \
	"\tIF jsonb_typeof(j) = 'number' THEN\n" \
	"\t\tn := j::numeric;\n" \
	"\t\tt := j::text;\n" \
	"\t\tIF abs(n) >= " DBL_MID " THEN\n\t\t\tRETURN NULL;\n\t\tEND IF;\n" \
	"\tELSIF jsonb_typeof(j) = 'string' THEN\n" \
	"\t\tt := j #>> '{}';\n" \
	"\t\tIF t IN ('NaN', 'Infinity', '-Infinity') THEN\n" \
	"\t\t\tRETURN t::double precision;\n\t\tEND IF;\n" \
	"\t\tIF t !~ " NUMBER_RE " THEN\n\t\t\tRETURN NULL;\n\t\tEND IF;\n" \
	"\t\tn := t::numeric;\n" \
	"\t\tIF abs(n) >= " DBL_MID " THEN\n" \
	"\t\t\tRETURN CASE WHEN n > 0 THEN 'Infinity' ELSE '-Infinity' END::double precision;\n" \
	"\t\tEND IF;\n" \
	"\tELSE\n\t\tRETURN NULL;\n\tEND IF;\n" \
	"\tIF abs(n) < 2.4703282292062328e-324 THEN\n" \
	"\t\tf := CASE WHEN left(t, 1) = '-' THEN '-0' ELSE '0' END::double precision;\n" \
	"\tELSE\n\t\tf := n::double precision;\n\tEND IF;\n"
#define DOUBLE_DECL "\tj jsonb;\n\tt text;\n\tn numeric;\n\tf double precision;\n"

/* The enum described by e: {"n": {number: first name}, "v": {name:
 * number}, "c": closed, "z": JSON null is a value (NullValue)}.  Sets n
 * to the number, or RETURNs: dflt for unset, t for an unknown name. */
#define ENUM(unknown_name) \
	RESOLVE \
	"\tIF j IS NULL THEN\n\t\tRETURN dflt;\n\tEND IF;\n" \
	"\tIF jsonb_typeof(j) = 'null' THEN\n" \
	"\t\tIF e ? 'z' THEN\n\t\t\tj := '0';\n\t\tELSE\n\t\t\tRETURN dflt;\n\t\tEND IF;\n" \
	"\tEND IF;\n" \
	"\tIF jsonb_typeof(j) = 'string' THEN\n" \
	"\t\tt := j #>> '{}';\n" \
	"\t\tIF e -> 'v' ? t THEN\n\t\t\tj := e -> 'v' -> t;\n" \
	"\t\tELSIF t !~ '^[-+]?[0-9]+$' THEN\n\t\t\tRETURN " unknown_name ";\n\t\tEND IF;\n" \
	"\tEND IF;\n" \
	INTEGER("-2147483648", "2147483647") \
	"\tIF e ? 'c' AND NOT e -> 'n' ? n::text THEN\n\t\tRETURN NULL;\n\tEND IF;\n"

/* The timestamp t, or NULL: RFC 3339 as the JSON mapping restricts it. */
#define TS_DECL "\tj jsonb;\n\tt text;\n\tf text;\n\ty integer;\n\tmo integer;\n\td integer;\n" \
	"\th integer;\n\tmi integer;\n\toh integer := 0;\n\tom integer := 0;\n" \
	"\tsgn integer := 1;\n\tr timestamp;\n"

static const struct helper_def helpers[] = {
	{ PBT_H_BOOL, "bool_v2", KEYS ", dflt boolean", KEYTYPES ", boolean", "boolean", IMM,
	  "\tj jsonb;\n",
	  RESOLVE UNSET
	  "\tIF jsonb_typeof(j) = 'boolean' THEN\n\t\tRETURN j::boolean;\n\tEND IF;\n"
	  "\tRETURN NULL;\n" },
	{ PBT_H_BYTES, "bytes_v2", KEYS ", dflt bytea", KEYTYPES ", bytea", "bytea", IMM,
	  "\tj jsonb;\n\tt text;\n",
	  RESOLVE UNSET
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
	{ PBT_H_CASE, "case_v2", "p jsonb, ks text[], names text[], nulls text[], absent text",
	  "jsonb, text[], text[], text[], text", "text", IMM,
	  "\tj jsonb;\n\tr text;\n\tlast text;\n\ti integer;\n",
	  /* which member of a oneof is set: none, one, or invalid (NULL) */
	  "\tIF p IS NULL THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tIF NOT p ?| ks THEN\n\t\tRETURN absent;\n\tEND IF;\n"
	  "\tFOR i IN 1 .. cardinality(ks) LOOP\n"
	  "\t\tj := p -> ks[i];\n"
	  "\t\tCONTINUE WHEN j IS NULL;\n"
	  /* one member under both its names: invalid, even if one is null */
	  "\t\tIF names[i] = last THEN\n\t\t\tRETURN NULL;\n\t\tEND IF;\n"
	  "\t\tlast := names[i];\n"
	  "\t\tCONTINUE WHEN jsonb_typeof(j) = 'null' AND NOT ks[i] = ANY (nulls);\n"
	  "\t\tIF r IS NOT NULL AND r <> names[i] THEN\n\t\t\tRETURN NULL;\n\t\tEND IF;\n"
	  "\t\tr := names[i];\n"
	  "\tEND LOOP;\n"
	  "\tRETURN coalesce(r, absent);\n" },
	{ PBT_H_DURATION, "duration_v2", KEYS, KEYTYPES, "interval", IMM,
	  "\tj jsonb;\n\tt text;\n\tn numeric;\n",
	  RESOLVE
	  "\tIF jsonb_typeof(j) IS DISTINCT FROM 'string' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tt := j #>> '{}';\n"
	  "\tIF t !~ '^-?[0-9]+([.][0-9]{1,9})?s$' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tn := left(t, -1)::numeric;\n"
	  "\tIF abs(n) >= 315576000001 THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  /* hours + seconds: a float8 of all seconds would lose microseconds */
	  "\tRETURN make_interval(hours => div(n, 3600)::integer,\n"
	  "\t\t\t     secs => round(mod(n, 3600), 6)::double precision);\n" },
	{ PBT_H_DURATION_OUT, "duration_out_v2", "v interval, col text", "interval, text", "jsonb", IMM,
	  "\ts numeric;\n",
	  "\tIF v IS NULL THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  /* a month has no fixed number of seconds */
	  "\tIF extract(year FROM v) <> 0 OR extract(month FROM v) <> 0 THEN\n"
	  "\t\tRAISE EXCEPTION USING ERRCODE = '22007', MESSAGE = format(\n"
	  "\t\t\t'interval %s for column %s has months, which have no fixed length in a Duration', v, col);\n"
	  "\tEND IF;\n"
	  "\ts := extract(epoch FROM v);\n"
	  "\tIF abs(s) >= 315576000001 THEN\n"
	  "\t\tRAISE EXCEPTION USING ERRCODE = '22003', MESSAGE = format(\n"
	  "\t\t\t'interval %s for column %s is out of range for a Duration (10000 years)', v, col);\n"
	  "\tEND IF;\n"
	  "\tIF s = trunc(s) THEN\n\t\tRETURN to_jsonb(trunc(s)::text || 's');\n\tEND IF;\n"
	  "\tIF s = round(s, 3) THEN\n\t\tRETURN to_jsonb(round(s, 3)::text || 's');\n\tEND IF;\n"
	  "\tRETURN to_jsonb(round(s, 6)::text || 's');\n" },
	{ PBT_H_DURATION_SECS, "duration_secs_v2", KEYS, KEYTYPES, "numeric", IMM,
	  "\tj jsonb;\n\tt text;\n\tn numeric;\n",
	  RESOLVE
	  "\tIF jsonb_typeof(j) IS DISTINCT FROM 'string' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tt := j #>> '{}';\n"
	  "\tIF t !~ '^-?[0-9]+([.][0-9]{1,9})?s$' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tn := left(t, -1)::numeric;\n"
	  "\tIF abs(n) >= 315576000001 THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tRETURN n;\n" },
	{ PBT_H_DURSECS_OUT, "dursecs_out_v2", "v numeric, col text", "numeric, text", "jsonb", IMM,
	  NULL,
	  "\tIF v IS NULL THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tIF abs(v) >= 315576000001 OR v <> round(v, 9) THEN\n"
	  "\t\tRAISE EXCEPTION USING ERRCODE = '22003', MESSAGE = format(\n"
	  "\t\t\t'%s seconds for column %s is not a Duration (10000 years, nanoseconds)', v, col);\n"
	  "\tEND IF;\n"
	  "\tRETURN to_jsonb(trim_scale(v)::text || 's');\n" },
	{ PBT_H_EMPTY, "empty_v2", KEYS, KEYTYPES, "boolean", IMM,
	  "\tj jsonb;\n",
	  RESOLVE
	  "\tIF j IS NULL OR jsonb_typeof(j) = 'null' THEN\n\t\tRETURN false;\n\tEND IF;\n"
	  "\tIF jsonb_typeof(j) = 'object' THEN\n\t\tRETURN true;\n\tEND IF;\n"
	  "\tRETURN NULL;\n" },
	{ PBT_H_ENUM, "enum_v2", KEYS ", e jsonb, dflt text", KEYTYPES ", jsonb, text", "text", IMM,
	  INTEGER_DECL,
	  /* a name from a newer schema is still a name: keep it */
	  ENUM("t")
	  /* aliases read as the first name of their number */
	  "\tRETURN coalesce(e -> 'n' ->> n::text, n::text);\n" },
	{ PBT_H_ENUM_NUM, "enum_num_v2", KEYS ", e jsonb, dflt integer", KEYTYPES ", jsonb, integer",
	  "integer", IMM,
	  INTEGER_DECL,
	  ENUM("NULL")
	  "\tRETURN n::integer;\n" },
	{ PBT_H_ENUM_OUT, "enum_out_v2", "v text, e jsonb, col text", "text, jsonb, text", "jsonb", IMM,
	  "\tn numeric;\n",
	  "\tIF v IS NULL THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tIF e -> 'v' ? v THEN\n"
	  "\t\tn := (e -> 'v' ->> v)::numeric;\n"
	  "\tELSIF v ~ '^[-+]?[0-9]+$' THEN\n"
	  "\t\tn := v::numeric;\n"
	  "\t\tIF n < -2147483648 OR n > 2147483647 THEN\n"
	  "\t\t\tRAISE EXCEPTION USING ERRCODE = '22003', MESSAGE = format(\n"
	  "\t\t\t\t'enum number %s for column %s is out of range (32 bits)', v, col);\n"
	  "\t\tEND IF;\n"
	  /* a closed enum has no numbers but its own */
	  "\t\tIF e ? 'c' AND NOT e -> 'n' ? n::text THEN\n"
	  "\t\t\tRAISE EXCEPTION USING ERRCODE = '22P02', MESSAGE = format(\n"
	  "\t\t\t\t'%s is not a number of the closed enum of column %s', v, col);\n"
	  "\t\tEND IF;\n"
	  "\tELSE\n"
	  "\t\tRAISE EXCEPTION USING ERRCODE = '22P02', MESSAGE = format(\n"
	  "\t\t\t'%L is not a value of the enum of column %s', v, col);\n"
	  "\tEND IF;\n"
	  /* NullValue is written as JSON null */
	  "\tIF e ? 'z' AND n = 0 THEN\n\t\tRETURN 'null';\n\tEND IF;\n"
	  /* the first name of the number, or the number if it has none */
	  "\tRETURN coalesce(to_jsonb(e -> 'n' ->> n::text), to_jsonb(n));\n" },
	{ PBT_H_FIELDMASK, "fieldmask_v2", KEYS, KEYTYPES, "text[]", IMM,
	  "\tj jsonb;\n\tt text;\n",
	  RESOLVE
	  "\tIF jsonb_typeof(j) IS DISTINCT FROM 'string' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tt := j #>> '{}';\n"
	  "\tIF t = '' THEN\n\t\tRETURN ARRAY[]::text[];\n\tEND IF;\n"
	  /* lowerCamelCase paths to proto names; an underscore is invalid */
	  "\tIF strpos(t, '_') > 0 THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tt := translate(regexp_replace(t, '([A-Z])', E'_\\\\1', 'g'),\n"
	  "\t\t       'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz');\n"
	  "\tRETURN string_to_array(t, ',');\n" },
	{ PBT_H_FIELDMASK_OUT, "fieldmask_out_v2", "v text[], col text", "text[], text", "jsonb", IMM,
	  "\tp text;\n\tr text[] := ARRAY[]::text[];\n",
	  "\tIF v IS NULL THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tFOREACH p IN ARRAY v LOOP\n"
	  /* what converts to lowerCamelCase and back */
	  "\t\tIF p IS NULL OR p !~ '^([a-z0-9.]|_[a-z])+$' THEN\n"
	  "\t\t\tRAISE EXCEPTION USING ERRCODE = '22P02', MESSAGE = format(\n"
	  "\t\t\t\t'%L in column %s is not a FieldMask path JSON can hold (lowercase letters, digits, dots, an underscore before a letter)', p, col);\n"
	  "\t\tEND IF;\n"
	  "\t\tr := r || (SELECT string_agg(CASE WHEN o = 1 THEN s ELSE upper(left(s, 1)) || substr(s, 2) END,\n"
	  "\t\t\t\t\t   '' ORDER BY o)\n"
	  "\t\t\t    FROM regexp_split_to_table(p, '_') WITH ORDINALITY AS x(s, o));\n"
	  "\tEND LOOP;\n"
	  "\tRETURN to_jsonb(array_to_string(r, ','));\n" },
	{ PBT_H_FLOAT4, "float4_v2", KEYS ", dflt real", KEYTYPES ", real", "real", IMM,
	  DOUBLE_DECL,
	  RESOLVE UNSET DOUBLE
	  /* a float: the double rounded once more, as protobuf does */
	  "\tIF abs(f) >= 3.4028235677973366e38 AND f <> 'Infinity' AND f <> '-Infinity' THEN\n"
	  "\t\tRETURN NULL;\n\tEND IF;\n"
	  /* float4 casts raise on underflow; the value rounds to zero */
	  "\tIF abs(f) <= 7.006492321624085e-46 THEN\n"
	  "\t\tRETURN CASE WHEN f < 0 OR left(t, 1) = '-' THEN '-0' ELSE '0' END::real;\n"
	  "\tEND IF;\n"
	  "\tRETURN f::real;\n" },
	{ PBT_H_FLOAT8, "float8_v2", KEYS ", dflt double precision",
	  KEYTYPES ", double precision", "double precision", IMM,
	  DOUBLE_DECL,
	  RESOLVE UNSET DOUBLE
	  "\tRETURN f;\n" },
	{ PBT_H_FLOAT_OUT, "float_out_v2", "v double precision, f32 boolean, col text",
	  "double precision, boolean, text", "jsonb", IMM,
	  NULL,
	  "\tIF v IS NULL THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tIF v = 'NaN' OR v = 'Infinity' OR v = '-Infinity' THEN\n"
	  "\t\tRETURN to_jsonb(v::text);\n\tEND IF;\n"
	  /* a float column given as double precision */
	  "\tIF f32 AND abs(v) >= 3.4028235677973366e38 THEN\n"
	  "\t\tRAISE EXCEPTION USING ERRCODE = '22003', MESSAGE = format(\n"
	  "\t\t\t'value %s for column %s is out of range for a float', v, col);\n"
	  "\tEND IF;\n"
	  /* jsonb numbers have no -0 */
	  "\tIF v = 0 AND v::text = '-0' THEN\n\t\tRETURN to_jsonb('-0'::text);\n\tEND IF;\n"
	  /* FLT_MAX in full: its shortest spelling 3.4028235e38 is larger
	   * than FLT_MAX, and some parsers refuse it */
	  "\tIF abs(v) = 3.4028234663852886e38 THEN\n"
	  "\t\tRETURN (CASE WHEN v < 0 THEN '-' ELSE '' END || '3.4028234663852886e38')::jsonb;\n"
	  "\tEND IF;\n"
	  "\tRETURN to_jsonb(v);\n" },
	{ PBT_H_INT32, "int32_v2", KEYS ", dflt integer", KEYTYPES ", integer", "integer", IMM,
	  INTEGER_DECL,
	  RESOLVE UNSET
	  INTEGER("-2147483648", "2147483647")
	  "\tRETURN n::integer;\n" },
	{ PBT_H_INT64, "int64_v2", KEYS ", dflt bigint", KEYTYPES ", bigint", "bigint", IMM,
	  INTEGER_DECL,
	  RESOLVE UNSET
	  INTEGER("-9223372036854775808", "9223372036854775807")
	  "\tRETURN n::bigint;\n" },
	{ PBT_H_INT_OUT, "int_out_v2", "v numeric, lo numeric, hi numeric, str boolean, col text",
	  "numeric, numeric, numeric, boolean, text", "jsonb", IMM,
	  NULL,
	  "\tIF v IS NULL THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tIF v <> trunc(v) THEN\n"
	  "\t\tRAISE EXCEPTION USING ERRCODE = '22P02', MESSAGE = format(\n"
	  "\t\t\t'value %s for column %s is not an integer', v, col);\n"
	  "\tEND IF;\n"
	  "\tIF v < lo OR v > hi THEN\n"
	  "\t\tRAISE EXCEPTION USING ERRCODE = '22003', MESSAGE = format(\n"
	  "\t\t\t'value %s for column %s is out of range (%s to %s)', v, col, lo, hi);\n"
	  "\tEND IF;\n"
	  /* 64-bit integers are JSON strings */
	  "\tIF str THEN\n\t\tRETURN to_jsonb(trunc(v)::text);\n\tEND IF;\n"
	  "\tRETURN to_jsonb(trunc(v));\n" },
	{ PBT_H_JSON, "json_v2", KEYS ", kind text, dflt jsonb", KEYTYPES ", text, jsonb", "jsonb", IMM,
	  "\tj jsonb;\n",
	  RESOLVE UNSET
	  "\tIF jsonb_typeof(j) = kind THEN\n\t\tRETURN j;\n\tEND IF;\n"
	  "\tRETURN NULL;\n" },
	{ PBT_H_JSON_IN, "json_in_v2", "v jsonb, t jsonb, d jsonb, col text", "jsonb, jsonb, jsonb, text",
	  "jsonb", IMM, NULL,
	  "\tIF v IS NOT NULL AND NOT pbtable.valid_v2(v, NULL, NULL, t, d) THEN\n"
	  "\t\tRAISE EXCEPTION USING ERRCODE = '22P02', MESSAGE = format(\n"
	  "\t\t\t'value %s for column %s is not proto3 JSON of its field', left(v::text, 200), col);\n"
	  "\tEND IF;\n"
	  "\tRETURN v;\n" },
	{ PBT_H_MSG, "msg_v2", KEYS, KEYTYPES, "jsonb", IMM,
	  "\tj jsonb;\n",
	  /* the object of a message field, {} when unset, NULL if invalid */
	  RESOLVE
	  "\tIF j IS NULL OR jsonb_typeof(j) = 'null' THEN\n\t\tRETURN '{}';\n\tEND IF;\n"
	  "\tIF jsonb_typeof(j) = 'object' THEN\n\t\tRETURN j;\n\tEND IF;\n"
	  "\tRETURN NULL;\n" },
	{ PBT_H_ONEOF, "oneof_v2", KEYS ", selfnull boolean, others text[], nulls text[]",
	  KEYTYPES ", boolean, text[], text[]", "jsonb", IMM,
	  "\tj jsonb;\n\to text;\n",
	  /* p, unless the member k is set and so is another: then NULL */
	  "\tIF p IS NULL THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tIF NOT p ?| others THEN\n\t\tRETURN p;\n\tEND IF;\n"
	  "\tj := coalesce(p -> k, p -> k2);\n"
	  "\tIF j IS NULL OR (jsonb_typeof(j) = 'null' AND NOT selfnull) THEN\n"
	  "\t\tRETURN p;\n\tEND IF;\n"
	  "\tFOREACH o IN ARRAY others LOOP\n"
	  "\t\tj := p -> o;\n"
	  "\t\tIF j IS NOT NULL AND (jsonb_typeof(j) <> 'null' OR o = ANY (nulls)) THEN\n"
	  "\t\t\tRETURN NULL;\n\t\tEND IF;\n"
	  "\tEND LOOP;\n"
	  "\tRETURN p;\n" },
	{ PBT_H_SET, "set_v2", "d jsonb, p text[], p2 text[], v jsonb",
	  "jsonb, text[], text[], jsonb", "jsonb", IMM,
	  "\ti integer;\n\tk text[] := '{}';\n",
	  /*
	   * Write v at the field whose keys are p (json names) or p2 (proto
	   * names), under the name the document already uses; NULL removes
	   * it under both.  Missing parents are created.
	   */
	  "\tFOR i IN 1 .. cardinality(p) LOOP\n"
	  "\t\tk[i] := CASE WHEN NOT d #> k ? p[i] AND d #> k ? p2[i] THEN p2[i] ELSE p[i] END;\n"
	  "\t\tIF i < cardinality(p) AND jsonb_typeof(d #> k) IS DISTINCT FROM 'object' THEN\n"
	  "\t\t\tIF v IS NULL THEN\n\t\t\t\tRETURN d;\n\t\t\tEND IF;\n"
	  "\t\t\td := jsonb_set(d, k, '{}');\n"
	  "\t\tEND IF;\n"
	  "\tEND LOOP;\n"
	  "\tIF v IS NULL THEN\n"
	  "\t\tRETURN d #- k #- (k[1:cardinality(k) - 1] || p2[cardinality(p2)]);\n"
	  "\tEND IF;\n"
	  "\tRETURN jsonb_set(d, k, v);\n" },
	{ PBT_H_TEXT, "text_v2", KEYS ", dflt text", KEYTYPES ", text", "text", IMM,
	  "\tj jsonb;\n",
	  RESOLVE UNSET
	  "\tIF jsonb_typeof(j) = 'string' THEN\n\t\tRETURN j #>> '{}';\n\tEND IF;\n"
	  "\tRETURN NULL;\n" },
	{ PBT_H_TS, "ts_v2", KEYS, KEYTYPES, "timestamp with time zone", IMM,
	  TS_DECL,
	  RESOLVE
	  "\tIF jsonb_typeof(j) IS DISTINCT FROM 'string' THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tt := j #>> '{}';\n"
	  /* upper-case T and Z only, as the conformance suite requires */
	  "\tIF t !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
	  "([.][0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$' THEN\n"
	  "\t\tRETURN NULL;\n\tEND IF;\n"
	  "\ty := substr(t, 1, 4)::integer;\n"
	  "\tmo := substr(t, 6, 2)::integer;\n"
	  "\td := substr(t, 9, 2)::integer;\n"
	  "\th := substr(t, 12, 2)::integer;\n"
	  "\tmi := substr(t, 15, 2)::integer;\n"
	  "\tIF right(t, 1) = 'Z' THEN\n"
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
	{ PBT_H_TS_OUT, "ts_out_v2", "v timestamp with time zone, col text",
	  "timestamp with time zone, text", "jsonb", IMM,
	  "\tu timestamp;\n\tus integer;\n",
	  "\tIF v IS NULL THEN\n\t\tRETURN NULL;\n\tEND IF;\n"
	  "\tIF NOT isfinite(v) OR v < '0001-01-01 00:00:00+00' OR v >= '10000-01-01 00:00:00+00' THEN\n"
	  "\t\tRAISE EXCEPTION USING ERRCODE = '22007', MESSAGE = format(\n"
	  "\t\t\t'timestamp %s for column %s is outside the years 1 to 9999 a Timestamp holds',\n"
	  "\t\t\tv AT TIME ZONE 'UTC', col);\n"
	  "\tEND IF;\n"
	  "\tu := v AT TIME ZONE 'UTC';\n"
	  "\tus := (extract(microseconds FROM u) % 1000000)::integer;\n"
	  /* to_char() is STABLE only for its locale-dependent patterns */
	  "\tRETURN to_jsonb(lpad(extract(year FROM u)::text, 4, '0') || '-'\n"
	  "\t\t|| lpad(extract(month FROM u)::text, 2, '0') || '-'\n"
	  "\t\t|| lpad(extract(day FROM u)::text, 2, '0') || 'T'\n"
	  "\t\t|| lpad(extract(hour FROM u)::text, 2, '0') || ':'\n"
	  "\t\t|| lpad(extract(minute FROM u)::text, 2, '0') || ':'\n"
	  "\t\t|| lpad(trunc(extract(second FROM u))::text, 2, '0')\n"
	  "\t\t|| CASE WHEN us = 0 THEN ''\n"
	  "\t\t\tWHEN us % 1000 = 0 THEN '.' || lpad((us / 1000)::text, 3, '0')\n"
	  "\t\t\tELSE '.' || lpad(us::text, 6, '0') END\n"
	  "\t\t|| 'Z');\n" },
	{ PBT_H_UINT32, "uint32_v2", KEYS ", dflt bigint", KEYTYPES ", bigint", "bigint", IMM,
	  INTEGER_DECL,
	  RESOLVE UNSET
	  INTEGER("0", "4294967295")
	  "\tRETURN n::bigint;\n" },
	{ PBT_H_UINT64, "uint64_v2", KEYS ", dflt numeric", KEYTYPES ", numeric", "numeric", IMM,
	  INTEGER_DECL,
	  RESOLVE UNSET
	  INTEGER("0", "18446744073709551615")
	  "\tRETURN n;\n" },
	{ PBT_H_UNSET, "unset_v2", KEYS, KEYTYPES, "boolean", IMM,
	  "\tj jsonb;\n",
	  /* for --strict: is the field validly absent (or null)?  Never
	   * NULL, which a CHECK would take for true. */
	  "\tIF p IS NULL OR k2 IS NOT NULL AND p ? k AND p ? k2 THEN\n"
	  "\t\tRETURN false;\n\tEND IF;\n"
	  "\tj := coalesce(p -> k, p -> k2);\n"
	  "\tRETURN j IS NULL OR jsonb_typeof(j) = 'null';\n" },
	{ PBT_H_VALID, "valid_v2", KEYS ", t jsonb, d jsonb", KEYTYPES ", jsonb, jsonb", "boolean", IMM,
	  "\tj jsonb;\n\te jsonb;\n\tf jsonb;\n\ts text;\n\tkv record;\n"
	  "\tseen text[] := '{}';\n\tones text[] := '{}';\n",
	  /*
	   * Is the field valid for protobuf, all the way down?  t is its
	   * type: a name ("int64", "ts", "struct", ...), {"e": enum} (see
	   * ENUM), {"r": element type}, {"k": key type, "v": value type}
	   * for a map, {"m": message name}; d has each message's fields by
	   * JSON and by proto name: [number, type, oneof index or null].
	   * An Any is checked for its @type only.
	   */
	  "\tIF k IS NULL THEN\n\t\tj := p;\n"
	  "\tELSIF p IS NULL THEN\n\t\tRETURN false;\n"
	  "\tELSE\n\t\tj := p -> k;\n"
	  "\t\tIF k2 IS NOT NULL AND p ? k2 THEN\n"
	  "\t\t\tIF j IS NOT NULL THEN\n\t\t\t\tRETURN false;\n\t\t\tEND IF;\n"
	  "\t\t\tj := p -> k2;\n\t\tEND IF;\n\tEND IF;\n"
	  "\tIF j IS NULL OR jsonb_typeof(j) = 'null' THEN\n\t\tRETURN true;\n\tEND IF;\n"
	  "\tIF jsonb_typeof(t) = 'string' THEN\n"
	  /* never NULL, which a CHECK would take for true */
	  "\t\tRETURN coalesce(CASE t #>> '{}'\n"
	  "\t\t\tWHEN 'int32' THEN pbtable.int32_v2(j, NULL, NULL, NULL) IS NOT NULL\n"
	  "\t\t\tWHEN 'int64' THEN pbtable.int64_v2(j, NULL, NULL, NULL) IS NOT NULL\n"
	  "\t\t\tWHEN 'uint32' THEN pbtable.uint32_v2(j, NULL, NULL, NULL) IS NOT NULL\n"
	  "\t\t\tWHEN 'uint64' THEN pbtable.uint64_v2(j, NULL, NULL, NULL) IS NOT NULL\n"
	  "\t\t\tWHEN 'float' THEN pbtable.float4_v2(j, NULL, NULL, NULL) IS NOT NULL\n"
	  "\t\t\tWHEN 'double' THEN pbtable.float8_v2(j, NULL, NULL, NULL) IS NOT NULL\n"
	  "\t\t\tWHEN 'bool' THEN jsonb_typeof(j) = 'boolean'\n"
	  "\t\t\tWHEN 'string' THEN jsonb_typeof(j) = 'string'\n"
	  "\t\t\tWHEN 'bytes' THEN pbtable.bytes_v2(j, NULL, NULL, NULL) IS NOT NULL\n"
	  "\t\t\tWHEN 'ts' THEN pbtable.ts_v2(j, NULL, NULL) IS NOT NULL\n"
	  "\t\t\tWHEN 'dur' THEN pbtable.duration_secs_v2(j, NULL, NULL) IS NOT NULL\n"
	  "\t\t\tWHEN 'fm' THEN pbtable.fieldmask_v2(j, NULL, NULL) IS NOT NULL\n"
	  "\t\t\tWHEN 'struct' THEN jsonb_typeof(j) = 'object'\n"
	  "\t\t\tWHEN 'list' THEN jsonb_typeof(j) = 'array'\n"
	  "\t\t\tWHEN 'value' THEN true\n"
	  "\t\t\tWHEN 'empty' THEN jsonb_typeof(j) = 'object'\n"
	  "\t\t\tWHEN 'any' THEN jsonb_typeof(j) = 'object'\n"
	  "\t\t\t\tAND (j = '{}' OR jsonb_typeof(j -> '@type') = 'string')\n"
	  "\t\t\tELSE false END, false);\n"
	  "\tEND IF;\n"
	  "\tIF t ? 'e' THEN\n"
	  "\t\tRETURN pbtable.enum_num_v2(j, NULL, NULL, t -> 'e', NULL) IS NOT NULL;\n"
	  "\tEND IF;\n"
	  "\tIF t ? 'r' THEN\n"
	  "\t\tIF jsonb_typeof(j) <> 'array' THEN\n\t\t\tRETURN false;\n\t\tEND IF;\n"
	  "\t\tFOR e IN SELECT jsonb_array_elements(j) LOOP\n"
	  /* only a Value and a NullValue may be null in a list */
	  "\t\t\tIF NOT (CASE WHEN jsonb_typeof(e) = 'null'\n"
	  "\t\t\t\t\tTHEN t -> 'r' = '\"value\"' OR coalesce(t -> 'r' -> 'e' ? 'z', false)\n"
	  "\t\t\t\t   ELSE pbtable.valid_v2(e, NULL, NULL, t -> 'r', d) END) THEN\n"
	  "\t\t\t\tRETURN false;\n\t\t\tEND IF;\n"
	  "\t\tEND LOOP;\n"
	  "\t\tRETURN true;\n"
	  "\tEND IF;\n"
	  "\tIF t ? 'k' THEN\n"
	  "\t\tIF jsonb_typeof(j) <> 'object' THEN\n\t\t\tRETURN false;\n\t\tEND IF;\n"
	  "\t\ts := t ->> 'k';\n"
	  "\t\tFOR kv IN SELECT * FROM jsonb_each(j) LOOP\n"
	  /* keys: integers as written, true and false */
	  "\t\t\tIF s = 'bool' AND kv.key NOT IN ('true', 'false') OR s NOT IN ('bool', 'string')\n"
	  "\t\t\t   AND (kv.key !~ '^[-+]?[0-9]+$'\n"
	  "\t\t\t\tOR NOT pbtable.valid_v2(to_jsonb(kv.key), NULL, NULL, t -> 'k', d))\n"
	  "\t\t\t   OR NOT (CASE WHEN jsonb_typeof(kv.value) = 'null'\n"
	  "\t\t\t\t\tTHEN t -> 'v' = '\"value\"' OR coalesce(t -> 'v' -> 'e' ? 'z', false)\n"
	  "\t\t\t\t\tELSE pbtable.valid_v2(kv.value, NULL, NULL, t -> 'v', d) END) THEN\n"
	  "\t\t\t\tRETURN false;\n\t\t\tEND IF;\n"
	  /* one key twice ("1" and "01"): protobuf keeps the last, and
	   * jsonb has no order */
	  "\t\t\tf := to_jsonb(CASE WHEN s IN ('bool', 'string') THEN kv.key\n"
	  "\t\t\t\t\t     ELSE kv.key::numeric::text END);\n"
	  "\t\t\tIF f #>> '{}' = ANY (seen) THEN\n\t\t\t\tRETURN false;\n\t\t\tEND IF;\n"
	  "\t\t\tseen := seen || (f #>> '{}');\n"
	  "\t\tEND LOOP;\n"
	  "\t\tRETURN true;\n"
	  "\tEND IF;\n"
	  "\tIF jsonb_typeof(j) <> 'object' THEN\n\t\tRETURN false;\n\tEND IF;\n"
	  "\tf := d -> (t ->> 'm');\n"
	  "\tFOR kv IN SELECT * FROM jsonb_each(j) LOOP\n"
	  "\t\te := f -> kv.key;\n"
	  "\t\tCONTINUE WHEN e IS NULL;\n"
	  /* one field under both its names */
	  "\t\tIF e ->> 0 = ANY (seen) THEN\n\t\t\tRETURN false;\n\t\tEND IF;\n"
	  "\t\tseen := seen || (e ->> 0);\n"
	  /* null unsets a field, except a Value or a NullValue */
	  "\t\tCONTINUE WHEN jsonb_typeof(kv.value) = 'null' AND e -> 1 <> '\"value\"'\n"
	  "\t\t\tAND NOT coalesce(e -> 1 -> 'e' ? 'z', false);\n"
	  "\t\tIF e ->> 2 IS NOT NULL THEN\n"
	  "\t\t\tIF e ->> 2 = ANY (ones) THEN\n\t\t\t\tRETURN false;\n\t\t\tEND IF;\n"
	  "\t\t\tones := ones || (e ->> 2);\n"
	  "\t\tEND IF;\n"
	  "\t\tIF NOT pbtable.valid_v2(kv.value, NULL, NULL, e -> 1, d) THEN\n"
	  "\t\t\tRETURN false;\n\t\tEND IF;\n"
	  "\tEND LOOP;\n"
	  "\tRETURN true;\n" },
	{ PBT_H_VALUE, "value_v2", KEYS, KEYTYPES, "jsonb", IMM,
	  "\tj jsonb;\n",
	  /* the JSON value itself: google.protobuf.Value, type: jsonb */
	  RESOLVE
	  "\tRETURN j;\n" },
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
static void guard(struct pbt_buf *b, pbt_helper_set set)
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

void pbt_helpers_sql(struct pbt_sql *s, pbt_helper_set set)
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
