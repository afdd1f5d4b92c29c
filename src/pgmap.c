/*
 * Proto field -> column.  The rules are the proto3 JSON mapping's: keys
 * are json_names; implicit-presence scalars read as their default when
 * absent (canonical JSON omits defaults) and everything with explicit
 * presence reads as NULL when unset; a value that is not valid JSON for
 * the type reads as NULL (the helpers' contract).  Well-known types get
 * the column type their JSON form suggests (Timestamp -> timestamptz,
 * wrappers -> their scalar, Struct -> jsonb, ...).
 */
#include "pgmap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "ddl_config.h"
#include "schema.h"
#include "sql_quote.h"

#define FT(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_##x
#define FL(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_##x

/* How one type maps; filled by classify(). */
struct mapping {
	const char *ptype;
	const char *pgtype;
	enum pbt_helper helper;
	const char *dflt;	/* implicit-presence default, a SQL literal */
	const char *wpre, *wpost;
	uint32_t whelpers;	/* extra helpers the write path uses */
	const char *extra;	/* enum: the number -> name jsonb literal */
	const char *extra_num;	/* enum: the name -> number jsonb literal */
	const char *json_kind;	/* json_v1: 'object' or 'array' */
	bool raw;		/* the JSON value itself (google.protobuf.Value) */
	bool keyable, is_jsonb;
	int family;		/* for type overrides, see override() */
	const char *enum_name;	/* enum full name */
};

enum { FAM_NONE, FAM_INT32, FAM_UINT32, FAM_INT64, FAM_UINT64, FAM_FLOAT,
       FAM_DOUBLE, FAM_ENUM, FAM_DURATION };

/* false: type is not a scalar type (a hostile set can say anything) */
static bool scalar(struct mapping *m, int type)
{
	m->keyable = true;
	m->wpre = "to_jsonb(";
	m->wpost = ")";
	m->dflt = "0";
	switch (type) {
	case FT(DOUBLE):
		m->ptype = "double", m->pgtype = "double precision", m->helper = PBT_H_FLOAT8;
		m->family = FAM_DOUBLE;
		break;
	case FT(FLOAT):
		m->ptype = "float", m->pgtype = "real", m->helper = PBT_H_FLOAT4;
		m->family = FAM_FLOAT;
		break;
	case FT(INT64):
	case FT(SINT64):
	case FT(SFIXED64):
		m->ptype = type == FT(INT64) ? "int64" : type == FT(SINT64) ? "sint64" : "sfixed64";
		m->pgtype = "bigint", m->helper = PBT_H_INT64;
		/* 64-bit integers are JSON strings */
		m->wpre = "to_jsonb((", m->wpost = ")::text)";
		m->family = FAM_INT64;
		break;
	case FT(UINT64):
	case FT(FIXED64):
		m->ptype = type == FT(UINT64) ? "uint64" : "fixed64";
		m->pgtype = "numeric(20,0)", m->helper = PBT_H_UINT64;
		m->wpre = "to_jsonb((", m->wpost = ")::text)";
		m->family = FAM_UINT64;
		break;
	case FT(INT32):
	case FT(SINT32):
	case FT(SFIXED32):
		m->ptype = type == FT(INT32) ? "int32" : type == FT(SINT32) ? "sint32" : "sfixed32";
		m->pgtype = "integer", m->helper = PBT_H_INT32;
		m->family = FAM_INT32;
		break;
	case FT(UINT32):
	case FT(FIXED32):
		m->ptype = type == FT(UINT32) ? "uint32" : "fixed32";
		m->pgtype = "bigint", m->helper = PBT_H_UINT32;
		m->family = FAM_UINT32;
		break;
	case FT(BOOL):
		m->ptype = "bool", m->pgtype = "boolean", m->helper = PBT_H_BOOL;
		m->dflt = "false";
		break;
	case FT(STRING):
		m->ptype = "string", m->pgtype = "text", m->helper = PBT_H_TEXT;
		m->dflt = "''";
		break;
	case FT(BYTES):
		m->ptype = "bytes", m->pgtype = "bytea", m->helper = PBT_H_BYTES;
		m->dflt = "''";
		m->wpre = "pbtable.bytes_out_v1(", m->wpost = ")";
		m->whelpers = PBT_HBIT(PBT_H_BYTES_OUT);
		break;
	default:
		return false;
	}
	return true;
}

static const struct {
	const char *name;
	int type;
} wrappers[] = {
	{ "google.protobuf.BoolValue", FT(BOOL) },
	{ "google.protobuf.BytesValue", FT(BYTES) },
	{ "google.protobuf.DoubleValue", FT(DOUBLE) },
	{ "google.protobuf.FloatValue", FT(FLOAT) },
	{ "google.protobuf.Int32Value", FT(INT32) },
	{ "google.protobuf.Int64Value", FT(INT64) },
	{ "google.protobuf.StringValue", FT(STRING) },
	{ "google.protobuf.UInt32Value", FT(UINT32) },
	{ "google.protobuf.UInt64Value", FT(UINT64) },
};

static int cmp_value_number(const void *x, const void *y)
{
	const struct pbt_enum_value *a = *(const struct pbt_enum_value *const *)x;
	const struct pbt_enum_value *b = *(const struct pbt_enum_value *const *)y;

	if (a->number != b->number)
		return a->number < b->number ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/*
 * first[i]: is value i the first declared with its number?  By sorting,
 * not by looking back: an enum may have 100,000 values.
 */
static bool *first_of_number(const struct pbt_enum *e)
{
	const struct pbt_enum_value **v = pbt_xcalloc(e->n_values + 1, sizeof(*v));
	bool *first = pbt_xcalloc(e->n_values + 1, sizeof(*first));
	size_t i;

	for (i = 0; i < e->n_values; i++)
		v[i] = &e->values[i];
	if (e->n_values)
		qsort(v, e->n_values, sizeof(*v), cmp_value_number);
	for (i = 0; i < e->n_values; i++)
		first[v[i]->index] = !i || v[i - 1]->number != v[i]->number;
	free(v);
	return first;
}

static const char *enum_names_json(struct pbt_arena *a, const struct pbt_enum *e)
{
	struct pbt_buf j = PBT_BUF_INIT, lit = PBT_BUF_INIT;
	bool *first = first_of_number(e);
	const char *out;
	size_t i;

	pbt_buf_addc(&j, '{');
	for (i = 0; i < e->n_values; i++) {
		/* with allow_alias, the first name is the one JSON writers use */
		if (!first[i])
			continue;
		if (j.len > 1)
			pbt_buf_adds(&j, ", ");
		pbt_buf_addf(&j, "\"%d\": ", (int)e->values[i].number);
		pbt_buf_add_json_str(&j, e->values[i].name);
	}
	pbt_buf_addc(&j, '}');
	pbt_sql_literal(&lit, j.buf);
	out = pbt_arena_strdup(a, lit.buf);
	pbt_buf_release(&j);
	pbt_buf_release(&lit);
	free(first);
	return out;
}

static const char *enum_numbers_json(struct pbt_arena *a, const struct pbt_enum *e)
{
	struct pbt_buf j = PBT_BUF_INIT, lit = PBT_BUF_INIT;
	const char *out;
	size_t i;

	pbt_buf_addc(&j, '{');
	for (i = 0; i < e->n_values; i++) {
		if (i)
			pbt_buf_adds(&j, ", ");
		pbt_buf_add_json_str(&j, e->values[i].name);
		pbt_buf_addf(&j, ": %d", (int)e->values[i].number);
	}
	pbt_buf_addc(&j, '}');
	pbt_sql_literal(&lit, j.buf);
	out = pbt_arena_strdup(a, lit.buf);
	pbt_buf_release(&j);
	pbt_buf_release(&lit);
	return out;
}

/* The default value of an enum field with implicit presence: number 0. */
static const char *enum_default(struct pbt_arena *a, const struct pbt_enum *e)
{
	struct pbt_buf lit = PBT_BUF_INIT;
	const char *name = e->n_values ? e->values[0].name : "0", *out;
	size_t i;

	for (i = 0; i < e->n_values; i++) {
		if (e->values[i].number == 0) {
			name = e->values[i].name;
			break;
		}
	}
	pbt_sql_literal(&lit, name);
	out = pbt_arena_strdup(a, lit.buf);
	pbt_buf_release(&lit);
	return out;
}

static bool field_is_repeated(const struct pbt_field *f)
{
	return f->fp->label == FL(REPEATED);
}

static bool field_is_message(const struct pbt_field *f)
{
	return f->fp->type == FT(MESSAGE) || f->fp->type == FT(GROUP);
}

static const char *presence_of(const struct pbt_field *f)
{
	if (field_is_repeated(f))
		return pbt_field_is_map(f) ? "map" : "repeated";
	if (f->oneof && !f->oneof->synthetic)
		return "oneof";
	if (field_is_message(f) || f->oneof || f->is_extension)
		return "explicit";
	if (f->file->syntax == PBT_SYNTAX_PROTO2)
		return "explicit";
	if (f->file->syntax == PBT_SYNTAX_PROTO3)
		return "implicit";
	return f->features.field_presence == PBT_PRESENCE_IMPLICIT ? "implicit" : "explicit";
}

/* Fill m for field f; false (with err) when the type is not in the schema. */
static int classify(struct pbt_arena *a, const struct pbt_field *f, struct mapping *m,
		    const struct pbt_loc *loc, struct pbt_err *err)
{
	const char *tn = f->type_name;
	size_t i;

	memset(m, 0, sizeof(*m));
	m->helper = PBT_H_NONE;
	/*
	 * protoc always writes a type, and a type name for the named types;
	 * a set from elsewhere may not.  Say so instead of guessing.
	 */
	if (f->fp->type == FT(ENUM) || field_is_message(f)) {
		if (!tn || !*tn)
			return pbt_errf(err, PBT_EINPUT, loc,
					"field '%s' of '%s' has no type name",
					f->name, f->message ? f->message->full_name : "");
	} else if (!scalar(m, f->fp->type)) {
		return pbt_errf(err, PBT_EINPUT, loc,
				"field '%s' of '%s' has type %d, which is not a protobuf type",
				f->name, f->message ? f->message->full_name : "",
				(int)f->fp->type);
	}
	memset(m, 0, sizeof(*m));
	m->helper = PBT_H_NONE;
	if (field_is_repeated(f)) {
		bool map = pbt_field_is_map(f);

		m->ptype = pbt_arena_printf(a, "%s:%s", map ? "map" : "repeated",
					    tn ? tn : "");
		if (!tn)
			m->ptype = pbt_arena_printf(a, "repeated");
		m->pgtype = "jsonb", m->helper = PBT_H_JSON, m->is_jsonb = true;
		m->json_kind = map ? "'object'" : "'array'";
		m->dflt = map ? "'{}'" : "'[]'";
		m->wpre = "(", m->wpost = ")";
		if (!tn) {
			/* a repeated scalar: ptype says which */
			struct mapping s;

			scalar(&s, f->fp->type);
			m->ptype = pbt_arena_printf(a, "repeated:%s", s.ptype);
		}
		return 0;
	}
	if (f->fp->type == FT(ENUM)) {
		const struct pbt_enum *e = pbt_schema_enum(f->file->schema, tn);

		if (!e)
			return pbt_errf(err, PBT_ECONFIG, loc, "enum type '%s' of field '%s' is not in the schema",
					tn, f->name);
		m->ptype = pbt_arena_printf(a, "enum:%s", tn);
		m->enum_name = e->full_name;
		m->pgtype = "text", m->helper = PBT_H_ENUM, m->keyable = true;
		m->extra = enum_names_json(a, e);
		m->extra_num = enum_numbers_json(a, e);
		m->dflt = enum_default(a, e);
		m->wpre = "pbtable.enum_out_v1(", m->wpost = ")";
		m->whelpers = PBT_HBIT(PBT_H_ENUM_OUT);
		m->family = FAM_ENUM;
		return 0;
	}
	if (!field_is_message(f)) {
		scalar(m, f->fp->type);
		return 0;
	}
	m->ptype = pbt_arena_printf(a, "message:%s", tn);
	for (i = 0; i < sizeof(wrappers) / sizeof(wrappers[0]); i++) {
		if (!strcmp(tn, wrappers[i].name)) {
			const char *pt = m->ptype;

			scalar(m, wrappers[i].type);
			m->ptype = pt;
			m->dflt = NULL;	/* wrappers have explicit presence */
			return 0;
		}
	}
	m->dflt = NULL;
	m->wpre = "(", m->wpost = ")";
	if (!strcmp(tn, "google.protobuf.Timestamp")) {
		m->pgtype = "timestamp with time zone", m->helper = PBT_H_TS, m->keyable = true;
		m->wpre = "pbtable.ts_out_v1(";
		m->whelpers = PBT_HBIT(PBT_H_TS_OUT);
	} else if (!strcmp(tn, "google.protobuf.Duration")) {
		m->pgtype = "interval", m->helper = PBT_H_DURATION, m->keyable = true;
		m->wpre = "pbtable.duration_out_v1(";
		m->whelpers = PBT_HBIT(PBT_H_DURATION_OUT);
		m->family = FAM_DURATION;
	} else if (!strcmp(tn, "google.protobuf.FieldMask")) {
		m->pgtype = "text[]", m->helper = PBT_H_FIELDMASK, m->is_jsonb = true;
		m->wpre = "to_jsonb(array_to_string(", m->wpost = ", ','))";
	} else if (!strcmp(tn, "google.protobuf.Empty")) {
		/* present or not: the whole content of an Empty */
		m->pgtype = "boolean", m->helper = PBT_H_EMPTY;
		m->dflt = "false";
		m->wpre = "CASE WHEN ", m->wpost = " THEN '{}'::jsonb END";
	} else if (!strcmp(tn, "google.protobuf.Value")) {
		/* JSON null is a value here (NULL_VALUE), not "unset" */
		m->pgtype = "jsonb", m->raw = true, m->is_jsonb = true;
	} else if (!strcmp(tn, "google.protobuf.ListValue")) {
		m->pgtype = "jsonb", m->helper = PBT_H_JSON, m->is_jsonb = true;
		m->json_kind = "'array'";
	} else {
		/* Struct, Any and every other message: the JSON object */
		m->pgtype = "jsonb", m->helper = PBT_H_JSON, m->is_jsonb = true;
		m->json_kind = "'object'";
	}
	return 0;
}

bool pbt_pgmap_is_scalar(const struct pbt_field *f)
{
	size_t i;

	if (field_is_repeated(f))
		return false;
	if (!field_is_message(f))
		return true;
	if (!f->type_name)
		return false;
	for (i = 0; i < sizeof(wrappers) / sizeof(wrappers[0]); i++)
		if (!strcmp(f->type_name, wrappers[i].name))
			return true;
	return !strcmp(f->type_name, "google.protobuf.Timestamp") ||
	       !strcmp(f->type_name, "google.protobuf.Duration") ||
	       !strcmp(f->type_name, "google.protobuf.FieldMask");
}

char *pbt_pgmap_column_name(struct pbt_arena *a, const char *path)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *p = path;
	char *out;

	while (*p) {
		size_t n = strcspn(p, ".");
		char *seg = pbt_arena_strndup(a, p, n);

		if (b.len)
			pbt_buf_addc(&b, '_');
		pbt_buf_adds(&b, pbt_snake_case(a, seg));
		p += n;
		if (*p)
			p++;
	}
	out = pbt_arena_strdup(a, pbt_buf_str(&b));
	pbt_buf_release(&b);
	return out;
}

static void add_subject(struct pbt_arena *a, struct pbt_pgcol *c, const char *s)
{
	const char **nv;
	size_t i;

	for (i = 0; i < c->n_subjects; i++)
		if (!strcmp(c->subjects[i], s))
			return;
	nv = pbt_arena_calloc(a, c->n_subjects + 1, sizeof(*nv));
	if (c->n_subjects)
		memcpy(nv, c->subjects, c->n_subjects * sizeof(*nv));
	nv[c->n_subjects++] = s;
	c->subjects = nv;
}

static const char *norm_type(struct pbt_arena *a, const char *t)
{
	char *s = pbt_arena_strdup(a, t), *p, *o;

	/* lower case, single spaces, no spaces around '(' ',' ')' */
	for (p = o = s; *p; p++) {
		char ch = (char)tolower((unsigned char)*p);

		if (ch == ' ' || ch == '\t') {
			if (o > s && o[-1] != ' ' && o[-1] != '(' && o[-1] != ',')
				*o++ = ' ';
			continue;
		}
		if ((ch == '(' || ch == ',' || ch == ')') && o > s && o[-1] == ' ')
			o--;
		*o++ = ch;
	}
	while (o > s && o[-1] == ' ')
		o--;
	*o = '\0';
	if (!strcmp(s, "int8"))
		return "bigint";
	if (!strcmp(s, "int4") || !strcmp(s, "int"))
		return "integer";
	if (!strcmp(s, "float8"))
		return "double precision";
	if (!strcmp(s, "float4"))
		return "real";
	if (!strcmp(s, "bool"))
		return "boolean";
	if (!strcmp(s, "timestamptz"))
		return "timestamp with time zone";
	return s;
}

/*
 * Apply a `type:` override.  Only changes that keep the expression
 * IMMUTABLE and the write path exact are offered; anything else is a
 * config error listing what is allowed.
 */
static int override(struct pbt_arena *a, struct pbt_pgcol *c, struct mapping *m,
		    const char *type, struct pbt_err *err)
{
	const char *t = norm_type(a, type);
	const char *allowed = NULL;
	bool cast = false;

	if (!strcmp(t, m->pgtype) || (m->family == FAM_UINT64 && !strcmp(t, "numeric")))
		return 0;
	if (!strcmp(t, "jsonb")) {
		/* the JSON value as written, whatever the field's type */
		c->pgtype = "jsonb";
		c->expr = c->raw;
		c->helper = PBT_H_NONE;
		c->helpers = 0;
		c->wpre = "(", c->wpost = ")";
		c->dflt = NULL;
		c->keyable = false;
		c->is_jsonb = true;
		return 0;
	}
	switch (m->family) {
	case FAM_INT32:
		allowed = "integer, bigint, numeric, jsonb";
		cast = !strcmp(t, "bigint") || !strcmp(t, "numeric");
		break;
	case FAM_UINT32:
		allowed = "bigint, numeric, jsonb";
		cast = !strcmp(t, "numeric");
		break;
	case FAM_INT64:
		allowed = "bigint, numeric, jsonb";
		cast = !strcmp(t, "numeric");
		break;
	case FAM_UINT64:
		allowed = "numeric, jsonb";
		break;
	case FAM_FLOAT:
		allowed = "real, double precision, jsonb";
		cast = !strcmp(t, "double precision");
		break;
	case FAM_ENUM:
		allowed = "text (names), integer (numbers), jsonb";
		if (!strcmp(t, "integer")) {
			c->pgtype = "integer";
			c->helper = PBT_H_ENUM_NUM;
			c->helpers = PBT_HBIT(PBT_H_ENUM_NUM);
			c->expr = pbt_arena_printf(a, "pbtable.enum_num_v1(%s, %s, %s)", c->raw,
						   m->extra_num, c->dflt ? "0" : "NULL");
			c->dflt = c->dflt ? "0" : NULL;
			c->wpre = "to_jsonb(", c->wpost = ")";
			return 0;
		}
		break;
	case FAM_DURATION:
		allowed = "interval, numeric (seconds), jsonb";
		if (!strcmp(t, "numeric")) {
			c->pgtype = "numeric(21,9)";
			c->helper = PBT_H_DURATION_SECS;
			c->helpers = PBT_HBIT(PBT_H_DURATION_SECS);
			c->expr = pbt_arena_printf(a, "pbtable.duration_secs_v1(%s)", c->raw);
			c->wpre = "to_jsonb(trim_scale(";
			c->wpost = ")::text || 's')";
			return 0;
		}
		break;
	default:
		allowed = pbt_arena_printf(a, "%s, jsonb", m->pgtype);
		break;
	}
	if (!cast)
		return pbt_errf(err, PBT_ECONFIG, &c->loc,
				"type '%s' is not offered for field '%s' of type %s (want %s)",
				type, c->path, c->ptype, allowed);
	c->expr = pbt_arena_printf(a, "(%s)::%s", c->expr, t);
	c->pgtype = t;
	return 0;
}

/* A text[] literal of JSON keys: ARRAY['shipTo', 'city']. */
static const char *keys_sql(struct pbt_arena *a, const char *const *keys, size_t n)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *out;
	size_t i;

	pbt_buf_adds(&b, "ARRAY[");
	for (i = 0; i < n; i++) {
		if (i)
			pbt_buf_adds(&b, ", ");
		pbt_sql_literal(&b, keys[i]);
	}
	pbt_buf_adds(&b, "]");
	out = pbt_arena_strdup(a, b.buf);
	pbt_buf_release(&b);
	return out;
}

static const char *raw_sql(struct pbt_arena *a, const char *const *keys, size_t n)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *out;
	size_t i;

	pbt_buf_adds(&b, "data");
	for (i = 0; i < n; i++) {
		pbt_buf_adds(&b, " -> ");
		pbt_sql_literal(&b, keys[i]);
	}
	out = pbt_arena_strdup(a, b.buf);
	pbt_buf_release(&b);
	return out;
}

static const char *field_subject(struct pbt_arena *a, const struct pbt_field *f)
{
	return pbt_arena_printf(a, "%s#%d", f->message->full_name, (int)f->number);
}

static const struct pbt_oneof *find_oneof(const struct pbt_message *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_oneofs; i++)
		if (!m->oneofs[i].synthetic && !strcmp(m->oneofs[i].name, name))
			return &m->oneofs[i];
	return NULL;
}

/* The oneof case column: the proto name of the member that is set. */
static void oneof_case(struct pbt_arena *a, const struct pbt_message *m,
		       const struct pbt_oneof *o, const char **keys, size_t depth,
		       struct pbt_pgcol *c)
{
	struct pbt_buf e = PBT_BUF_INIT, nums = PBT_BUF_INIT;
	size_t i;

	c->kind = PBT_COL_ONEOF_CASE;
	c->pgtype = "text";
	c->ptype = "oneof";
	c->presence = "oneof";
	c->keyable = true;
	c->helper = PBT_H_NONE;
	add_subject(a, c, m->full_name);
	pbt_buf_adds(&e, "CASE");
	for (i = 0; i < m->n_fields; i++) {
		const struct pbt_field *f = &m->fields[i];
		const char *raw;

		if (f->oneof != o)
			continue;
		keys[depth] = f->fp->json_name ? f->fp->json_name : f->name;
		raw = raw_sql(a, keys, depth + 1);
		/* google.protobuf.Value: JSON null is NULL_VALUE, i.e. set */
		if (f->type_name && !strcmp(f->type_name, "google.protobuf.Value"))
			pbt_buf_addf(&e, " WHEN %s IS NOT NULL THEN ", raw);
		else
			pbt_buf_addf(&e, " WHEN jsonb_typeof(%s) <> 'null' THEN ", raw);
		pbt_sql_literal(&e, f->name);
		if (nums.len)
			pbt_buf_addc(&nums, ',');
		pbt_buf_addf(&nums, "%d", (int)f->number);
		add_subject(a, c, field_subject(a, f));
	}
	pbt_buf_adds(&e, " END");
	c->expr = pbt_arena_strdup(a, e.buf);
	c->raw = depth ? raw_sql(a, keys, depth) : "data";
	c->numbers = pbt_arena_printf(a, "%s%s%s", c->numbers ? c->numbers : "",
				      c->numbers ? "." : "", nums.buf);
	pbt_buf_release(&e);
	pbt_buf_release(&nums);
}

int pbt_pgmap_path(struct pbt_arena *a, const struct pbt_message *msg,
		   const char *path, const char *name, const char *type,
		   const struct pbt_loc *loc, struct pbt_pgcol *c,
		   struct pbt_err *err)
{
	const struct pbt_message *m = msg;
	const struct pbt_field *f = NULL;
	struct pbt_buf nums = PBT_BUF_INIT, json = PBT_BUF_INIT;
	const char **keys;
	struct mapping mp;
	size_t depth = 0, n_seg = 1;
	const char *p;
	int r = 0;

	memset(c, 0, sizeof(*c));
	c->loc = *loc;
	c->path = pbt_arena_strdup(a, path);
	c->name = name ? name : pbt_pgmap_column_name(a, path);
	for (p = path; *p; p++)
		n_seg += *p == '.';
	keys = pbt_arena_calloc(a, n_seg + 1, sizeof(*keys));
	for (p = path; *p;) {
		size_t n = strcspn(p, ".");
		const char *seg = pbt_arena_strndup(a, p, n);
		bool last = !p[n];
		const struct pbt_oneof *o;

		if (!n || (!last && !p[n + 1]))
			break;	/* "", "a..b", "a.": no field has an empty name */

		if (!m) {
			r = pbt_errf(err, PBT_ECONFIG, loc, "cannot follow '%s' in '%s': not a message field",
				     seg, path);
			goto out;
		}
		add_subject(a, c, m->full_name);
		f = pbt_message_field_by_name(m, seg);
		if (!f && last && (o = find_oneof(m, seg)) != NULL) {
			c->numbers = depth ? pbt_arena_strdup(a, nums.buf) : NULL;
			c->json = pbt_arena_printf(a, "%s%s%s", json.len ? json.buf : "",
						   json.len ? "." : "", seg);
			oneof_case(a, m, o, keys, depth, c);
			goto out;
		}
		if (!f) {
			r = pbt_errf(err, PBT_ECONFIG, loc, "message '%s' has no field '%s'%s%s%s",
				     m->full_name, seg, strcmp(seg, path) ? " (in '" : "",
				     strcmp(seg, path) ? path : "", strcmp(seg, path) ? "')" : "");
			goto out;
		}
		add_subject(a, c, field_subject(a, f));
		keys[depth++] = f->fp->json_name ? f->fp->json_name : f->name;
		if (nums.len)
			pbt_buf_addc(&nums, '.');
		pbt_buf_addf(&nums, "%d", (int)f->number);
		if (json.len)
			pbt_buf_addc(&json, '.');
		pbt_buf_adds(&json, keys[depth - 1]);
		p += n;
		if (*p) {
			p++;
			if (field_is_repeated(f) || !field_is_message(f)) {
				r = pbt_errf(err, PBT_ECONFIG, loc,
					     "cannot follow field '%s' in '%s': only singular message fields have fields",
					     f->name, path);
				goto out;
			}
			m = pbt_field_message_type(f);
			if (m && !strncmp(m->full_name, "google.protobuf.", 16)) {
				r = pbt_errf(err, PBT_ECONFIG, loc,
					     "cannot follow field '%s' in '%s': %s has its own JSON form",
					     f->name, path, m->full_name);
				goto out;
			}
		}
	}
	if (!f || *p) {
		r = pbt_errf(err, PBT_ECONFIG, loc, "empty field name in path '%s'", path);
		goto out;
	}
	r = classify(a, f, &mp, loc, err);
	if (r)
		goto out;
	if (mp.enum_name)
		add_subject(a, c, mp.enum_name);
	else if (f->type_name && field_is_message(f))
		add_subject(a, c, f->type_name);
	c->kind = PBT_COL_FIELD;
	c->numbers = pbt_arena_strdup(a, nums.buf);
	c->json = pbt_arena_strdup(a, json.buf);
	c->ptype = mp.ptype;
	c->presence = presence_of(f);
	c->pgtype = mp.pgtype;
	c->raw = raw_sql(a, keys, depth);
	c->keys = keys_sql(a, keys, depth);
	c->helper = mp.helper;
	c->helpers = mp.whelpers | (mp.helper != PBT_H_NONE ? PBT_HBIT(mp.helper) : 0);
	c->keyable = mp.keyable;
	c->is_jsonb = mp.is_jsonb;
	c->wpre = mp.wpre;
	c->wpost = mp.wpost;
	/* explicit presence (and repeated/map defaults) decide the default */
	if (!strcmp(c->presence, "implicit") || mp.json_kind || mp.helper == PBT_H_EMPTY)
		c->dflt = mp.dflt;
	if (mp.raw) {
		c->expr = c->raw;
	} else if (mp.json_kind) {
		c->expr = pbt_arena_printf(a, "pbtable.json_v1(%s, %s, %s)", c->raw,
					   mp.json_kind, c->dflt ? c->dflt : "NULL");
	} else if (mp.helper == PBT_H_ENUM) {
		c->expr = pbt_arena_printf(a, "pbtable.enum_v1(%s, %s, %s)", c->raw, mp.extra,
					   c->dflt ? c->dflt : "NULL");
	} else if (mp.helper == PBT_H_TS || mp.helper == PBT_H_DURATION ||
		   mp.helper == PBT_H_FIELDMASK || mp.helper == PBT_H_EMPTY) {
		c->expr = pbt_arena_printf(a, "pbtable.%s(%s)", pbt_helper_name(mp.helper), c->raw);
	} else {
		c->expr = pbt_arena_printf(a, "pbtable.%s(%s, %s)", pbt_helper_name(mp.helper),
					   c->raw, c->dflt ? c->dflt : "NULL");
	}
	/* a oneof member set through the view clears its siblings */
	if (f->oneof && !f->oneof->synthetic) {
		const struct pbt_message *om = f->message;
		size_t i;

		c->clear = pbt_arena_calloc(a, om->n_fields, sizeof(*c->clear));
		for (i = 0; i < om->n_fields; i++) {
			const struct pbt_field *s = &om->fields[i];

			if (s->oneof != f->oneof || s == f)
				continue;
			keys[depth - 1] = s->fp->json_name ? s->fp->json_name : s->name;
			c->clear[c->n_clear++] = keys_sql(a, keys, depth);
		}
		keys[depth - 1] = f->fp->json_name ? f->fp->json_name : f->name;
	}
	if (type)
		r = override(a, c, &mp, type, err);
out:
	pbt_buf_release(&nums);
	pbt_buf_release(&json);
	return r;
}
