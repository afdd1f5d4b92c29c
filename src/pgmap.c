/*
 * Proto field -> column.  The rules are the proto3 JSON mapping's: a
 * field is found under its json_name or its proto name (under both it is
 * invalid: protobuf takes the last, and jsonb keeps no order); implicit-
 * presence scalars read as their default when absent (canonical JSON
 * omits defaults) and everything with explicit presence reads as NULL
 * when unset; a value that is not valid JSON for the type -- or whose
 * parent is not an object, or whose oneof has another member set --
 * reads as NULL (the helpers' contract).  Well-known types get the
 * column type their JSON form suggests (Timestamp -> timestamptz,
 * wrappers -> their scalar, Struct -> jsonb, ...).  The same field types,
 * spelled as valid_v2's type descriptions, let --strict and the view's
 * writes check jsonb values all the way down.
 */
#include "pgmap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "ddl_config.h"
#include "schema.h"
#include "sql_quote.h"

#define FT(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_##x
#define FL(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_##x

/* How the view writes a value of the column type back into JSON. */
enum wkind {
	W_JSONB,	/* to_jsonb(v) */
	W_STR64,	/* a 64-bit integer: a JSON string */
	W_INT,		/* int_out_v2: checked against lo..hi */
	W_FLOAT,	/* float_out_v2 */
	W_BYTES,	/* base64 */
	W_ENUM,		/* enum_out_v2: a name of the enum */
	W_ENUM_NUM,	/* the same, from the number column */
	W_TS,
	W_DUR,
	W_DURSECS,
	W_MASK,
	W_EMPTY,	/* true: {} */
	W_RAW,		/* the jsonb as is (google.protobuf.Value) */
	W_JSON_IN,	/* jsonb checked with valid_v2 */
};

/* How one type maps; filled by classify(). */
struct mapping {
	const char *ptype;
	const char *pgtype;
	enum pbt_helper helper;
	const char *dflt;	/* implicit-presence default, a SQL literal */
	enum wkind w;
	const char *lo, *hi;	/* W_INT: the range */
	bool f32;		/* W_FLOAT: a float field */
	const char *extra;	/* enum: the enum's jsonb literal (see ENUM) */
	const char *json_kind;	/* json_v2: 'object' or 'array' */
	bool raw;		/* the JSON value itself (google.protobuf.Value) */
	bool keyable, is_jsonb;
	int family;		/* for type overrides, see override() */
	const char *enum_name;	/* enum full name */
};

enum { FAM_NONE, FAM_INT32, FAM_UINT32, FAM_INT64, FAM_UINT64, FAM_FLOAT,
       FAM_DOUBLE, FAM_ENUM, FAM_DURATION };

#define INT32_MIN_SQL "-2147483648"
#define INT32_MAX_SQL "2147483647"
#define INT64_MIN_SQL "-9223372036854775808"
#define INT64_MAX_SQL "9223372036854775807"

/* false: type is not a scalar type (a hostile set can say anything) */
static bool scalar(struct mapping *m, int type)
{
	m->keyable = true;
	m->w = W_JSONB;
	m->dflt = "0";
	switch (type) {
	case FT(DOUBLE):
		m->ptype = "double", m->pgtype = "double precision", m->helper = PBT_H_FLOAT8;
		m->family = FAM_DOUBLE;
		m->w = W_FLOAT;
		break;
	case FT(FLOAT):
		m->ptype = "float", m->pgtype = "real", m->helper = PBT_H_FLOAT4;
		m->family = FAM_FLOAT;
		m->w = W_FLOAT, m->f32 = true;
		break;
	case FT(INT64):
	case FT(SINT64):
	case FT(SFIXED64):
		m->ptype = type == FT(INT64) ? "int64" : type == FT(SINT64) ? "sint64" : "sfixed64";
		m->pgtype = "bigint", m->helper = PBT_H_INT64;
		m->w = W_STR64;
		m->family = FAM_INT64;
		break;
	case FT(UINT64):
	case FT(FIXED64):
		m->ptype = type == FT(UINT64) ? "uint64" : "fixed64";
		m->pgtype = "numeric(20,0)", m->helper = PBT_H_UINT64;
		m->w = W_INT, m->lo = "0", m->hi = "18446744073709551615";
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
		m->w = W_INT, m->lo = "0", m->hi = "4294967295";
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
		m->w = W_BYTES;
		break;
	default:
		return false;
	}
	return true;
}

/* valid_v2's name of a scalar type, "" if none. */
static const char *scalar_spec(int type)
{
	switch (type) {
	case FT(DOUBLE): return "double";
	case FT(FLOAT): return "float";
	case FT(INT64):
	case FT(SINT64):
	case FT(SFIXED64): return "int64";
	case FT(UINT64):
	case FT(FIXED64): return "uint64";
	case FT(INT32):
	case FT(SINT32):
	case FT(SFIXED32): return "int32";
	case FT(UINT32):
	case FT(FIXED32): return "uint32";
	case FT(BOOL): return "bool";
	case FT(STRING): return "string";
	case FT(BYTES): return "bytes";
	default: return "";
	}
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

/*
 * The enum as the helpers take it (ddl_helpers.c, ENUM): {"n": {number:
 * the first name declared with it}, "v": {every name: its number}}, "c"
 * for a closed enum (unknown numbers are invalid), "z" for NullValue
 * (JSON null is its value).  The JSON text, not yet a SQL literal.
 */
static const char *enum_json(struct pbt_arena *a, const struct pbt_enum *e)
{
	struct pbt_buf j = PBT_BUF_INIT;
	bool *first = first_of_number(e);
	const char *out;
	size_t i, n = 0;

	pbt_buf_adds(&j, "{\"n\": {");
	for (i = 0; i < e->n_values; i++) {
		/* with allow_alias, the first name is the one JSON writers use */
		if (!first[i])
			continue;
		if (n++)
			pbt_buf_adds(&j, ", ");
		pbt_buf_addf(&j, "\"%d\": ", (int)e->values[i].number);
		pbt_buf_add_json_str(&j, e->values[i].name);
	}
	pbt_buf_adds(&j, "}, \"v\": {");
	for (i = 0; i < e->n_values; i++) {
		if (i)
			pbt_buf_adds(&j, ", ");
		pbt_buf_add_json_str(&j, e->values[i].name);
		pbt_buf_addf(&j, ": %d", (int)e->values[i].number);
	}
	pbt_buf_addc(&j, '}');
	if (e->features.enum_type == PBT_ENUM_CLOSED)
		pbt_buf_adds(&j, ", \"c\": true");
	if (!strcmp(e->full_name, "google.protobuf.NullValue"))
		pbt_buf_adds(&j, ", \"z\": true");
	pbt_buf_addc(&j, '}');
	out = pbt_arena_strdup(a, j.buf);
	pbt_buf_release(&j);
	free(first);
	return out;
}

static const char *sql_lit(struct pbt_arena *a, const char *s)
{
	struct pbt_buf lit = PBT_BUF_INIT;
	const char *out;

	pbt_sql_literal(&lit, s);
	out = pbt_arena_strdup(a, lit.buf);
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
		m->w = W_JSON_IN;
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
		m->extra = sql_lit(a, enum_json(a, e));
		m->dflt = enum_default(a, e);
		m->w = W_ENUM;
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
	m->w = W_JSON_IN;
	if (!strcmp(tn, "google.protobuf.Timestamp")) {
		m->pgtype = "timestamp with time zone", m->helper = PBT_H_TS, m->keyable = true;
		m->w = W_TS;
	} else if (!strcmp(tn, "google.protobuf.Duration")) {
		m->pgtype = "interval", m->helper = PBT_H_DURATION, m->keyable = true;
		m->w = W_DUR;
		m->family = FAM_DURATION;
	} else if (!strcmp(tn, "google.protobuf.FieldMask")) {
		m->pgtype = "text[]", m->helper = PBT_H_FIELDMASK, m->is_jsonb = true;
		m->w = W_MASK;
	} else if (!strcmp(tn, "google.protobuf.Empty")) {
		/* present or not: the whole content of an Empty */
		m->pgtype = "boolean", m->helper = PBT_H_EMPTY;
		m->dflt = "false";
		m->w = W_EMPTY;
	} else if (!strcmp(tn, "google.protobuf.Value")) {
		/* JSON null is a value here (NULL_VALUE), not "unset" */
		m->pgtype = "jsonb", m->raw = true, m->is_jsonb = true;
		m->helper = PBT_H_VALUE;
		m->w = W_RAW;
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

/* ---------------------------------------------------------------- specs */

/*
 * valid_v2's description of a field's type (ddl_helpers.c): a name for
 * scalars and well-known types, {"e": enum}, {"r": element}, {"k": key,
 * "v": value} for maps, {"m": message} whose fields go into the
 * definitions.
 */
struct specs {
	struct pbt_arena *a;
	struct pbt_buf defs;	/* "name": {...}, ... */
	const char **done;	/* messages defined (or being defined) */
	size_t n_done, cap_done;
};

static void spec_field(struct specs *sp, struct pbt_buf *b, const struct pbt_field *f,
		       bool element);

static void spec_message(struct specs *sp, struct pbt_buf *b, const struct pbt_message *m)
{
	static const char *const wkt[][2] = {
		{ "google.protobuf.Any", "any" },
		{ "google.protobuf.Duration", "dur" },
		{ "google.protobuf.Empty", "empty" },
		{ "google.protobuf.FieldMask", "fm" },
		{ "google.protobuf.ListValue", "list" },
		{ "google.protobuf.Struct", "struct" },
		{ "google.protobuf.Timestamp", "ts" },
		{ "google.protobuf.Value", "value" },
	};
	struct pbt_buf def = PBT_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(wkt) / sizeof(wkt[0]); i++) {
		if (!strcmp(m->full_name, wkt[i][0])) {
			pbt_buf_addf(b, "\"%s\"", wkt[i][1]);
			return;
		}
	}
	for (i = 0; i < sizeof(wrappers) / sizeof(wrappers[0]); i++) {
		if (!strcmp(m->full_name, wrappers[i].name)) {
			pbt_buf_addf(b, "\"%s\"", scalar_spec(wrappers[i].type));
			return;
		}
	}
	pbt_buf_adds(b, "{\"m\": ");
	pbt_buf_add_json_str(b, m->full_name);
	pbt_buf_addc(b, '}');
	for (i = 0; i < sp->n_done; i++)
		if (!strcmp(sp->done[i], m->full_name))
			return;
	if (sp->n_done == sp->cap_done) {
		const char **nv;

		sp->cap_done = sp->cap_done ? 2 * sp->cap_done : 8;
		nv = pbt_arena_calloc(sp->a, sp->cap_done, sizeof(*nv));
		if (sp->n_done)
			memcpy(nv, sp->done, sp->n_done * sizeof(*nv));
		sp->done = nv;
	}
	sp->done[sp->n_done++] = m->full_name;
	/* each field under its JSON name and its proto name */
	for (i = 0; i < 2 * m->n_fields; i++) {
		const struct pbt_field *f = &m->fields[i / 2];
		const char *key = i % 2 ? f->name : f->fp->json_name;
		struct pbt_buf fb = PBT_BUF_INIT;

		if (!key || (i % 2 && f->fp->json_name && !strcmp(key, f->fp->json_name)))
			continue;
		if (def.len)
			pbt_buf_adds(&def, ", ");
		pbt_buf_add_json_str(&def, key);
		spec_field(sp, &fb, f, false);
		pbt_buf_addf(&def, ": [\"%d\", %s, ", (int)f->number, fb.buf);
		if (f->oneof && !f->oneof->synthetic)
			pbt_buf_addf(&def, "\"%zu\"]", (size_t)(f->oneof - m->oneofs));
		else
			pbt_buf_adds(&def, "null]");
		pbt_buf_release(&fb);
	}
	if (sp->defs.len)
		pbt_buf_adds(&sp->defs, ", ");
	pbt_buf_add_json_str(&sp->defs, m->full_name);
	pbt_buf_addf(&sp->defs, ": {%s}", def.len ? def.buf : "");
	pbt_buf_release(&def);
}

/* The type of f; element: of one element of a repeated f. */
static void spec_field(struct specs *sp, struct pbt_buf *b, const struct pbt_field *f,
		       bool element)
{
	if (field_is_repeated(f) && !element) {
		const struct pbt_message *entry = pbt_field_message_type(f);

		if (pbt_field_is_map(f) && entry && entry->n_fields == 2) {
			pbt_buf_adds(b, "{\"k\": ");
			spec_field(sp, b, &entry->fields[0], false);
			pbt_buf_adds(b, ", \"v\": ");
			spec_field(sp, b, &entry->fields[1], false);
			pbt_buf_addc(b, '}');
			return;
		}
		pbt_buf_adds(b, "{\"r\": ");
		spec_field(sp, b, f, true);
		pbt_buf_addc(b, '}');
		return;
	}
	if (f->fp->type == FT(ENUM)) {
		const struct pbt_enum *e = f->type_name
			? pbt_schema_enum(f->file->schema, f->type_name) : NULL;

		if (e) {
			pbt_buf_adds(b, "{\"e\": ");
			pbt_buf_adds(b, enum_json(sp->a, e));
			pbt_buf_addc(b, '}');
		} else {
			pbt_buf_adds(b, "\"?\"");	/* nothing is valid */
		}
		return;
	}
	if (field_is_message(f)) {
		const struct pbt_message *m = pbt_field_message_type(f);

		if (m)
			spec_message(sp, b, m);
		else
			pbt_buf_adds(b, "\"?\"");
		return;
	}
	pbt_buf_addf(b, "\"%s\"", scalar_spec(f->fp->type));
}

/* The two jsonb literals valid_v2 takes after the keys: type, messages. */
static const char *field_specs(struct pbt_arena *a, const struct pbt_field *f)
{
	struct specs sp = { a, PBT_BUF_INIT, NULL, 0, 0 };
	struct pbt_buf t = PBT_BUF_INIT, out = PBT_BUF_INIT, d = PBT_BUF_INIT;
	const char *r;

	spec_field(&sp, &t, f, false);
	pbt_buf_addf(&d, "{%s}", sp.defs.len ? sp.defs.buf : "");
	pbt_sql_literal(&out, t.buf);
	pbt_buf_adds(&out, ", ");
	pbt_sql_literal(&out, d.buf);
	r = pbt_arena_strdup(a, out.buf);
	pbt_buf_release(&sp.defs);
	pbt_buf_release(&t);
	pbt_buf_release(&d);
	pbt_buf_release(&out);
	return r;
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
 * Apply a `type:` override to m (and c's type).  Only changes that keep
 * the expression IMMUTABLE and the write path exact are offered; anything
 * else is a config error listing what is allowed.
 */
static int override(struct pbt_arena *a, struct pbt_pgcol *c, struct mapping *m,
		    const char *type, bool value, struct pbt_err *err)
{
	const char *t = norm_type(a, type);
	const char *allowed = NULL;
	bool cast = false;

	if (!strcmp(t, m->pgtype) || (m->family == FAM_UINT64 && !strcmp(t, "numeric")))
		return 0;
	if (!strcmp(t, "jsonb")) {
		/* the JSON value as written, whatever the field's type */
		c->pgtype = "jsonb";
		m->helper = PBT_H_VALUE;
		m->json_kind = NULL;
		m->raw = true;
		m->w = value ? W_RAW : W_JSON_IN;
		c->dflt = NULL;
		c->keyable = false;
		c->is_jsonb = true;
		return 0;
	}
	switch (m->family) {
	case FAM_INT32:
		allowed = "integer, bigint, numeric, jsonb";
		cast = !strcmp(t, "bigint") || !strcmp(t, "numeric");
		m->w = W_INT, m->lo = INT32_MIN_SQL, m->hi = INT32_MAX_SQL;
		break;
	case FAM_UINT32:
		allowed = "bigint, numeric, jsonb";
		cast = !strcmp(t, "numeric");
		break;
	case FAM_INT64:
		allowed = "bigint, numeric, jsonb";
		cast = !strcmp(t, "numeric");
		m->w = W_INT, m->lo = INT64_MIN_SQL, m->hi = INT64_MAX_SQL;
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
			m->helper = PBT_H_ENUM_NUM;
			m->w = W_ENUM_NUM;
			c->dflt = c->dflt ? "0" : NULL;
			return 0;
		}
		break;
	case FAM_DURATION:
		allowed = "interval, numeric (seconds), jsonb";
		if (!strcmp(t, "numeric")) {
			c->pgtype = "numeric(21,9)";
			m->helper = PBT_H_DURATION_SECS;
			m->w = W_DURSECS;
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
	c->pgtype = t;
	return 1;
}

/* What valid_v2 calls, and so needs created. */
#define VALID_HELPERS                                                          \
	(PBT_HBIT(PBT_H_VALID) | PBT_HBIT(PBT_H_INT32) | PBT_HBIT(PBT_H_INT64) |    \
	 PBT_HBIT(PBT_H_UINT32) | PBT_HBIT(PBT_H_UINT64) |                          \
	 PBT_HBIT(PBT_H_FLOAT4) | PBT_HBIT(PBT_H_FLOAT8) | PBT_HBIT(PBT_H_BYTES) |  \
	 PBT_HBIT(PBT_H_TS) | PBT_HBIT(PBT_H_DURATION_SECS) |                       \
	 PBT_HBIT(PBT_H_FIELDMASK) | PBT_HBIT(PBT_H_ENUM_NUM))

/*
 * The column's expression, write path and --strict check, from its
 * mapping (after any override); cast: the override's type, if a cast.
 */
static void build(struct pbt_arena *a, struct pbt_pgcol *c, const struct mapping *m,
		  const char *cast)
{
	const char *col = sql_lit(a, c->name), *d = c->dflt ? c->dflt : "NULL";
	struct pbt_buf ident = PBT_BUF_INIT;
	const char *h = pbt_helper_name(m->helper);

	c->helper = m->helper;
	c->helpers |= PBT_HBIT(m->helper);
	if (m->raw)
		c->expr = c->raw;
	else if (m->json_kind)
		c->expr = pbt_arena_printf(a, "pbtable.%s(%s, %s, %s)", h, c->vargs,
					   m->json_kind, d);
	else if (m->helper == PBT_H_ENUM || m->helper == PBT_H_ENUM_NUM)
		c->expr = pbt_arena_printf(a, "pbtable.%s(%s, %s, %s)", h, c->vargs,
					   m->extra, d);
	else if (m->helper == PBT_H_TS || m->helper == PBT_H_DURATION ||
		 m->helper == PBT_H_DURATION_SECS || m->helper == PBT_H_FIELDMASK ||
		 m->helper == PBT_H_EMPTY)
		c->expr = pbt_arena_printf(a, "pbtable.%s(%s)", h, c->vargs);
	else
		c->expr = pbt_arena_printf(a, "pbtable.%s(%s, %s)", h, c->vargs, d);
	if (cast)
		c->expr = pbt_arena_printf(a, "(%s)::%s", c->expr, cast);

	switch (m->w) {
	case W_JSONB:
		c->wpre = "to_jsonb(", c->wpost = ")";
		break;
	case W_STR64:
		/* 64-bit integers are JSON strings */
		c->wpre = "to_jsonb((", c->wpost = ")::text)";
		break;
	case W_INT:
		c->wpre = "pbtable.int_out_v2(";
		c->wpost = pbt_arena_printf(a, ", %s, %s, %s, %s)", m->lo, m->hi,
					    m->family == FAM_INT64 || m->family == FAM_UINT64
					    ? "true" : "false", col);
		c->helpers |= PBT_HBIT(PBT_H_INT_OUT);
		break;
	case W_FLOAT:
		c->wpre = "pbtable.float_out_v2(";
		c->wpost = pbt_arena_printf(a, ", %s, %s)", m->f32 ? "true" : "false", col);
		c->helpers |= PBT_HBIT(PBT_H_FLOAT_OUT);
		break;
	case W_BYTES:
		c->wpre = "pbtable.bytes_out_v1(", c->wpost = ")";
		c->helpers |= PBT_HBIT(PBT_H_BYTES_OUT);
		break;
	case W_ENUM:
	case W_ENUM_NUM:
		c->wpre = m->w == W_ENUM ? "pbtable.enum_out_v2(" : "pbtable.enum_out_v2((";
		c->wpost = pbt_arena_printf(a, "%s, %s, %s)", m->w == W_ENUM ? "" : ")::text",
					    m->extra, col);
		c->helpers |= PBT_HBIT(PBT_H_ENUM_OUT);
		break;
	case W_TS:
		c->wpre = "pbtable.ts_out_v2(";
		c->wpost = pbt_arena_printf(a, ", %s)", col);
		c->helpers |= PBT_HBIT(PBT_H_TS_OUT);
		break;
	case W_DUR:
		c->wpre = "pbtable.duration_out_v2(";
		c->wpost = pbt_arena_printf(a, ", %s)", col);
		c->helpers |= PBT_HBIT(PBT_H_DURATION_OUT);
		break;
	case W_DURSECS:
		c->wpre = "pbtable.dursecs_out_v2(";
		c->wpost = pbt_arena_printf(a, ", %s)", col);
		c->helpers |= PBT_HBIT(PBT_H_DURSECS_OUT);
		break;
	case W_MASK:
		c->wpre = "pbtable.fieldmask_out_v2(";
		c->wpost = pbt_arena_printf(a, ", %s)", col);
		c->helpers |= PBT_HBIT(PBT_H_FIELDMASK_OUT);
		break;
	case W_EMPTY:
		c->wpre = "CASE WHEN ", c->wpost = " THEN '{}'::jsonb END";
		break;
	case W_RAW:
		c->wpre = "(", c->wpost = ")";
		break;
	case W_JSON_IN:
		c->wpre = "pbtable.json_in_v2(";
		c->wpost = pbt_arena_printf(a, ", %s, %s)", c->spec, col);
		c->helpers |= PBT_HBIT(PBT_H_JSON_IN) | VALID_HELPERS;
		break;
	}

	/* --strict: set in the JSON, but not what protobuf reads: reject */
	pbt_sql_ident(&ident, c->name);
	if (m->raw || m->json_kind) {
		c->check = pbt_arena_printf(a, "pbtable.valid_v2(%s, %s)", c->vargs, c->spec);
		c->helpers |= VALID_HELPERS;
	} else if (m->helper == PBT_H_ENUM) {
		/* an unknown name is kept in the column, but not valid */
		c->check = pbt_arena_printf(a, "pbtable.enum_num_v2(%s, %s, 0) IS NOT NULL",
					    c->vargs, m->extra);
		c->helpers |= PBT_HBIT(PBT_H_ENUM_NUM);
	} else if (c->dflt) {
		c->check = pbt_arena_printf(a, "%s IS NOT NULL", ident.buf);
	} else {
		c->check = pbt_arena_printf(a, "%s IS NOT NULL OR pbtable.unset_v2(%s)",
					    ident.buf, c->vargs);
		c->helpers |= PBT_HBIT(PBT_H_UNSET);
	}
	pbt_buf_release(&ident);
}

/* A text[] literal as array_out() writes it (so drift can predict it). */
static void text_array(struct pbt_buf *b, const char *const *v, size_t n)
{
	struct pbt_buf t = PBT_BUF_INIT;
	size_t i;

	pbt_buf_addc(&t, '{');
	for (i = 0; i < n; i++) {
		const char *p = v[i];
		bool q = !*p || !strcasecmp(p, "NULL");

		for (; *p && !q; p++)
			q = strchr("{}\",\\ \t\n\r\v\f", *p) != NULL;
		if (i)
			pbt_buf_addc(&t, ',');
		if (!q) {
			pbt_buf_adds(&t, v[i]);
			continue;
		}
		pbt_buf_addc(&t, '"');
		for (p = v[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				pbt_buf_addc(&t, '\\');
			pbt_buf_addc(&t, *p);
		}
		pbt_buf_addc(&t, '"');
	}
	pbt_buf_addc(&t, '}');
	pbt_sql_literal(b, t.buf);
	pbt_buf_release(&t);
}

static const char *json_key(const struct pbt_field *f)
{
	return f->fp->json_name ? f->fp->json_name : f->name;
}

/* 'shipTo', 'ship_to' -- or 'city', NULL when both names are the same. */
static void key_args(struct pbt_buf *b, const struct pbt_field *f)
{
	pbt_sql_literal(b, json_key(f));
	pbt_buf_adds(b, ", ");
	if (strcmp(json_key(f), f->name))
		pbt_sql_literal(b, f->name);
	else
		pbt_buf_adds(b, "NULL");
}

/* JSON null sets a Value and a NullValue: in a oneof it counts. */
static bool null_is_value(const struct pbt_field *f)
{
	return f->type_name && (!strcmp(f->type_name, "google.protobuf.Value") ||
				!strcmp(f->type_name, "google.protobuf.NullValue"));
}

/*
 * The keys of the members of oneof o but skip (or all), in declaration
 * order, each member's json_name then its proto name (if another);
 * names[] the proto name of each key, nulls[] the keys null sets.
 */
static size_t oneof_keys(struct pbt_arena *a, const struct pbt_message *m,
			 const struct pbt_oneof *o, const struct pbt_field *skip,
			 const char ***keys, const char ***names, const char ***nulls,
			 size_t *n_nulls)
{
	size_t i, n = 0;

	*keys = pbt_arena_calloc(a, 2 * m->n_fields + 1, sizeof(**keys));
	*names = pbt_arena_calloc(a, 2 * m->n_fields + 1, sizeof(**names));
	*nulls = pbt_arena_calloc(a, 2 * m->n_fields + 1, sizeof(**nulls));
	*n_nulls = 0;
	for (i = 0; i < m->n_fields; i++) {
		const struct pbt_field *f = &m->fields[i];

		if (f->oneof != o || f == skip)
			continue;
		(*names)[n] = f->name;
		(*keys)[n++] = json_key(f);
		if (null_is_value(f))
			(*nulls)[(*n_nulls)++] = json_key(f);
		if (strcmp(json_key(f), f->name)) {
			(*names)[n] = f->name;
			(*keys)[n++] = f->name;
			if (null_is_value(f))
				(*nulls)[(*n_nulls)++] = f->name;
		}
	}
	return n;
}

/* parent, checked that no other member of f's oneof is set with f. */
static const char *oneof_parent(struct pbt_arena *a, const char *parent,
				const struct pbt_field *f, struct pbt_pgcol *c)
{
	const char **keys, **names, **nulls;
	size_t n_nulls, n = oneof_keys(a, f->message, f->oneof, f, &keys, &names,
				       &nulls, &n_nulls);
	struct pbt_buf b = PBT_BUF_INIT;
	const char *out;

	pbt_buf_addf(&b, "pbtable.oneof_v2(%s, ", parent);
	key_args(&b, f);
	pbt_buf_addf(&b, ", %s, ", null_is_value(f) ? "true" : "false");
	text_array(&b, keys, n);
	pbt_buf_adds(&b, ", ");
	text_array(&b, nulls, n_nulls);
	pbt_buf_addc(&b, ')');
	out = pbt_arena_strdup(a, b.buf);
	c->helpers |= PBT_HBIT(PBT_H_ONEOF);
	pbt_buf_release(&b);
	return out;
}

/* set_v2's two key paths (json names, proto names). */
static const char *keys_sql(struct pbt_arena *a, const char *const *keys,
			    const char *const *names, size_t n)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *out;
	size_t i, k;

	for (k = 0; k < 2; k++) {
		pbt_buf_adds(&b, k ? ", ARRAY[" : "ARRAY[");
		for (i = 0; i < n; i++) {
			if (i)
				pbt_buf_adds(&b, ", ");
			pbt_sql_literal(&b, k ? names[i] : keys[i]);
		}
		pbt_buf_adds(&b, "]");
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
		       const struct pbt_oneof *o, const char *parent,
		       struct pbt_pgcol *c)
{
	struct pbt_buf e = PBT_BUF_INIT, nums = PBT_BUF_INIT, args = PBT_BUF_INIT;
	const char **keys, **names, **nulls;
	size_t i, n_nulls, n = oneof_keys(a, m, o, NULL, &keys, &names, &nulls, &n_nulls);

	c->kind = PBT_COL_ONEOF_CASE;
	c->pgtype = "text";
	c->ptype = "oneof";
	c->presence = "oneof";
	c->keyable = true;
	c->helper = PBT_H_CASE;
	c->helpers |= PBT_HBIT(PBT_H_CASE);
	add_subject(a, c, m->full_name);
	pbt_buf_addf(&args, "%s, ", parent);
	text_array(&args, keys, n);
	pbt_buf_adds(&args, ", ");
	text_array(&args, names, n);
	pbt_buf_adds(&args, ", ");
	text_array(&args, nulls, n_nulls);
	for (i = 0; i < m->n_fields; i++) {
		const struct pbt_field *f = &m->fields[i];

		if (f->oneof != o)
			continue;
		if (nums.len)
			pbt_buf_addc(&nums, ',');
		pbt_buf_addf(&nums, "%d", (int)f->number);
		add_subject(a, c, field_subject(a, f));
	}
	pbt_buf_addf(&e, "pbtable.case_v2(%s, NULL)", args.buf);
	c->expr = pbt_arena_strdup(a, e.buf);
	/* --strict: NULL only when two members are set */
	c->check = pbt_arena_printf(a, "pbtable.case_v2(%s, '') IS NOT NULL", args.buf);
	c->vargs = pbt_arena_strdup(a, parent);
	c->raw = c->vargs;
	c->numbers = pbt_arena_printf(a, "%s%s%s", c->numbers ? c->numbers : "",
				      c->numbers ? "." : "", nums.buf);
	pbt_buf_release(&e);
	pbt_buf_release(&nums);
	pbt_buf_release(&args);
}

int pbt_pgmap_path(struct pbt_arena *a, const struct pbt_message *msg,
		   const char *path, const char *name, const char *type,
		   const struct pbt_loc *loc, struct pbt_pgcol *c,
		   struct pbt_err *err)
{
	const struct pbt_message *m = msg;
	const struct pbt_field *f = NULL;
	struct pbt_buf nums = PBT_BUF_INIT, json = PBT_BUF_INIT, ka = PBT_BUF_INIT;
	const char **keys, **names, *parent = "data", *cast = NULL;
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
	names = pbt_arena_calloc(a, n_seg + 1, sizeof(*names));
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
			oneof_case(a, m, o, parent, c);
			goto out;
		}
		if (!f) {
			r = pbt_errf(err, PBT_ECONFIG, loc, "message '%s' has no field '%s'%s%s%s",
				     m->full_name, seg, strcmp(seg, path) ? " (in '" : "",
				     strcmp(seg, path) ? path : "", strcmp(seg, path) ? "')" : "");
			goto out;
		}
		add_subject(a, c, field_subject(a, f));
		names[depth] = f->name;
		keys[depth++] = json_key(f);
		if (nums.len)
			pbt_buf_addc(&nums, '.');
		pbt_buf_addf(&nums, "%d", (int)f->number);
		if (json.len)
			pbt_buf_addc(&json, '.');
		pbt_buf_adds(&json, keys[depth - 1]);
		/* a member of a oneof is invalid when another is set too */
		if (f->oneof && !f->oneof->synthetic)
			parent = oneof_parent(a, parent, f, c);
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
			pbt_buf_reset(&ka);
			key_args(&ka, f);
			parent = pbt_arena_printf(a, "pbtable.msg_v2(%s, %s)", parent, ka.buf);
			c->helpers |= PBT_HBIT(PBT_H_MSG);
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
	pbt_buf_reset(&ka);
	key_args(&ka, f);
	c->vargs = pbt_arena_printf(a, "%s, %s", parent, ka.buf);
	c->raw = pbt_arena_printf(a, "pbtable.value_v2(%s)", c->vargs);
	c->spec = field_specs(a, f);
	c->keys = keys_sql(a, keys, names, depth);
	c->keyable = mp.keyable;
	c->is_jsonb = mp.is_jsonb;
	/* explicit presence (and repeated/map defaults) decide the default */
	if (!strcmp(c->presence, "implicit") || mp.json_kind || mp.helper == PBT_H_EMPTY)
		c->dflt = mp.dflt;
	/* a oneof member set through the view clears its siblings */
	if (f->oneof && !f->oneof->synthetic) {
		const struct pbt_message *om = f->message;
		size_t i;

		c->clear = pbt_arena_calloc(a, om->n_fields, sizeof(*c->clear));
		for (i = 0; i < om->n_fields; i++) {
			const struct pbt_field *s = &om->fields[i];

			if (s->oneof != f->oneof || s == f)
				continue;
			keys[depth - 1] = json_key(s);
			names[depth - 1] = s->name;
			c->clear[c->n_clear++] = keys_sql(a, keys, names, depth);
		}
		keys[depth - 1] = json_key(f);
		names[depth - 1] = f->name;
	}
	if (type) {
		r = override(a, c, &mp, type,
			     f->type_name && !strcmp(f->type_name, "google.protobuf.Value") &&
			     !field_is_repeated(f), err);
		if (r < 0)
			goto out;
		if (r > 0)
			cast = c->pgtype;
		r = 0;
	}
	build(a, c, &mp, cast);
out:
	pbt_buf_release(&nums);
	pbt_buf_release(&json);
	pbt_buf_release(&ka);
	return r;
}
