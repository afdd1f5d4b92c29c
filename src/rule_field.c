/*
 * Rules over a pair of fields: the same number in messages with the same
 * full name, or extensions of the same extendee with the same number.
 * Type, cardinality, name, JSON name, oneof membership, default value
 * and per-language options; the wire and wire+JSON variants accept the
 * changes that keep the encoding readable.
 */
#include "rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "compat.h"

typedef Google__Protobuf__FieldDescriptorProto__Type ftype;

#define T(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_##x
#define L(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_##x

/* FieldDescriptorProto field numbers, for source paths. */
enum { FD_NAME = 1, FD_LABEL = 4, FD_TYPE = 5, FD_TYPE_NAME = 6, FD_DEFAULT = 7,
       FD_OPTIONS = 8, FD_JSON_NAME = 10 };
/* FieldOptions field numbers. */
enum { FO_CTYPE = 1, FO_JSTYPE = 6 };

/* ---------------------------------------------------------------- kinds */

/* protobuf-go's Kind: a delimited message in an editions file is a group. */
static ftype kind(const struct pbt_field *f)
{
	ftype t = f->fp->has_type ? f->fp->type : 0;

	if (t == T(MESSAGE) && f->file->syntax == PBT_SYNTAX_EDITIONS &&
	    f->features.message_encoding == PBT_ENCODING_DELIMITED) {
		const struct pbt_message *m = pbt_field_message_type(f);

		if (!m || !m->is_map_entry)
			return T(GROUP);
	}
	return t;
}

static const char *kind_name(ftype t)
{
	switch (t) {
	case T(DOUBLE): return "double";
	case T(FLOAT): return "float";
	case T(INT64): return "int64";
	case T(UINT64): return "uint64";
	case T(INT32): return "int32";
	case T(FIXED64): return "fixed64";
	case T(FIXED32): return "fixed32";
	case T(BOOL): return "bool";
	case T(STRING): return "string";
	case T(GROUP): return "group";
	case T(MESSAGE): return "message";
	case T(BYTES): return "bytes";
	case T(UINT32): return "uint32";
	case T(ENUM): return "enum";
	case T(SFIXED32): return "sfixed32";
	case T(SFIXED64): return "sfixed64";
	case T(SINT32): return "sint32";
	case T(SINT64): return "sint64";
	default: return "unknown";
	}
}

static const char *pretty_kind(const struct pbt_field *f)
{
	ftype t = kind(f);

	/* buf: an editions "group" is really a delimited message. */
	if (t == T(GROUP) && f->file->syntax != PBT_SYNTAX_PROTO2)
		return "message (delimited encoding)";
	return kind_name(t);
}

static bool named_kind(ftype t)
{
	return t == T(ENUM) || t == T(GROUP) || t == T(MESSAGE);
}

static const char *type_name(const struct pbt_field *f)
{
	return f->type_name ? f->type_name : "";
}

/* ---------------------------------------------------------------- locations */

static void field_span(const struct pbt_field *f, struct pbt_span *span)
{
	struct pbt_path p;

	memset(span, 0, sizeof(*span));
	pbt_path_field(&p, f);
	pbt_file_span(f->file, &p, span);
}

/* The first of f's sub-paths a (then b) with a location, else f itself. */
static void sub_span(const struct pbt_field *f, int32_t a, int32_t b,
		     struct pbt_span *span)
{
	struct pbt_path p;

	memset(span, 0, sizeof(*span));
	pbt_path_field(&p, f);
	if (a && pbt_file_span_sub(f->file, &p, a, span))
		return;
	if (b && pbt_file_span_sub(f->file, &p, b, span))
		return;
	pbt_file_span(f->file, &p, span);
}

static void option_span(const struct pbt_field *f, int32_t opt, struct pbt_span *span)
{
	struct pbt_path p;

	memset(span, 0, sizeof(*span));
	pbt_path_field(&p, f);
	if (pbt_file_span_sub2(f->file, &p, FD_OPTIONS, opt, span))
		return;
	pbt_file_span(f->file, &p, span);
}

static void report(struct pbt_cx *cx, const struct pbt_field *of,
		   const struct pbt_field *nf, const struct pbt_span *span,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report(struct pbt_cx *cx, const struct pbt_field *of,
		   const struct pbt_field *nf, const struct pbt_span *span,
		   const char *fmt, ...)
{
	va_list ap;
	char *rest;

	va_start(ap, fmt);
	rest = pbt_arena_vprintf(cx->tmp, fmt, ap);
	va_end(ap);
	pbt_cx_report(cx, nf->file, span, of->file, "%s%s",
		      pbt_field_description(cx, nf), rest);
}

/*
 * Both fields are the key or value of a map entry.  buf skips such pairs
 * in some rules (cardinality, C++ string type): their properties follow
 * from the map and the syntax, which other rules report.  A map entry
 * paired with an ordinary message of the same name is still checked.
 */
static bool both_map_entry_fields(const struct pbt_field *of,
				  const struct pbt_field *nf)
{
	return !of->is_extension && !nf->is_extension &&
	       of->message->is_map_entry && nf->message->is_map_entry;
}

/* ---------------------------------------------------------------- type */

static const char wire_note[] =
	" See https://developers.google.com/protocol-buffers/docs/proto3#updating"
	" for wire compatibility rules.";
static const char json_note[] =
	" See https://developers.google.com/protocol-buffers/docs/proto3#updating"
	" for wire compatibility rules and"
	" https://developers.google.com/protocol-buffers/docs/proto3#json"
	" for JSON compatibility rules.";

static void changed_kind(struct pbt_cx *cx, const struct pbt_field *of,
			 const struct pbt_field *nf, const char *extra)
{
	struct pbt_span span;

	/*
	 * buf points at the type name when there is one: only a group has
	 * both, and buf reports it at the group's name, not at `group`.
	 */
	sub_span(nf, FD_TYPE_NAME, FD_TYPE, &span);
	report(cx, of, nf, &span, " changed type from \"%s\" to \"%s\".%s",
	       pretty_kind(of), pretty_kind(nf), extra);
}

static void changed_type_name(struct pbt_cx *cx, const struct pbt_field *of,
			      const struct pbt_field *nf)
{
	struct pbt_span span;

	sub_span(nf, FD_TYPE_NAME, FD_TYPE, &span);
	report(cx, of, nf, &span, " changed type from \"%s\" to \"%s\".",
	       type_name(of), type_name(nf));
}

void pbt_check_field_same_type(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_field *of = o, *nf = n;
	ftype ok = kind(of), nk = kind(nf);

	if (ok != nk) {
		changed_kind(cx, of, nf, "");
		return;
	}
	if (named_kind(nk) && strcmp(type_name(of), type_name(nf)))
		changed_type_name(cx, of, nf);
}

/*
 * An enum field may change enum only to one with the same short name that
 * has every previous value (name and number).
 */
static void check_enum_wire_compatible(struct pbt_cx *cx, const struct pbt_field *of,
				       const struct pbt_field *nf)
{
	const struct pbt_enum *oe, *ne;
	size_t i, j;

	/* The same enum: deleted values are ENUM_VALUE_NO_DELETE's business. */
	if (!strcmp(type_name(of), type_name(nf)))
		return;
	oe = pbt_schema_enum(cx->old, type_name(of));
	ne = pbt_schema_enum(cx->new, type_name(nf));
	if (!oe || !ne) {
		if (strcmp(type_name(of), type_name(nf)))
			changed_type_name(cx, of, nf);
		return;
	}
	if (strcmp(oe->name, ne->name)) {
		changed_type_name(cx, of, nf);
		return;
	}
	for (i = 0; i < oe->n_values; i++) {
		bool found = false;

		for (j = 0; j < ne->n_values && !found; j++)
			found = !strcmp(oe->values[i].name, ne->values[j].name) &&
				oe->values[i].number == ne->values[j].number;
		if (!found) {
			changed_type_name(cx, of, nf);
			return;
		}
	}
}

static int wire_group(ftype t)
{
	switch (t) {
	case T(INT32): case T(INT64): case T(UINT32): case T(UINT64): case T(BOOL):
		return 1;
	case T(SINT32): case T(SINT64):
		return 2;
	case T(FIXED32): case T(SFIXED32):
		return 3;
	case T(FIXED64): case T(SFIXED64):
		return 4;
	default:
		return 0;
	}
}

static int wire_json_group(ftype t)
{
	switch (t) {
	case T(INT32): case T(UINT32):
		return 1;
	case T(INT64): case T(UINT64):
		return 2;
	case T(FIXED32): case T(SFIXED32):
		return 3;
	case T(FIXED64): case T(SFIXED64):
		return 4;
	default:
		return 0;
	}
}

void pbt_check_field_wire_compatible_type(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_field *of = o, *nf = n;
	ftype ok = kind(of), nk = kind(nf);

	if (ok != nk) {
		int g = wire_group(ok);

		if (ok == T(STRING) && nk == T(BYTES))
			return;
		if (ok == T(BYTES) && nk == T(STRING)) {
			char *extra = pbt_arena_printf(cx->tmp, "%s%s", wire_note,
				" Note that while string and bytes are compatible if the data"
				" is valid UTF-8, there is no way to enforce that a bytes field"
				" is UTF-8, so these fields may be incompatible.");

			changed_kind(cx, of, nf, extra);
			return;
		}
		if (!g || g != wire_group(nk))
			changed_kind(cx, of, nf, wire_note);
		return;
	}
	if (nk == T(ENUM))
		check_enum_wire_compatible(cx, of, nf);
	else if (named_kind(nk) && strcmp(type_name(of), type_name(nf)))
		changed_type_name(cx, of, nf);
}

void pbt_check_field_wire_json_compatible_type(struct pbt_cx *cx, const void *o,
					       const void *n)
{
	const struct pbt_field *of = o, *nf = n;
	ftype ok = kind(of), nk = kind(nf);

	if (ok != nk) {
		int g = wire_json_group(ok);

		if (!g || g != wire_json_group(nk))
			changed_kind(cx, of, nf, json_note);
		return;
	}
	if (nk == T(ENUM))
		check_enum_wire_compatible(cx, of, nf);
	else if (named_kind(nk) && strcmp(type_name(of), type_name(nf)))
		changed_type_name(cx, of, nf);
}

/* ---------------------------------------------------------------- cardinality */

enum card { CARD_EXPLICIT, CARD_IMPLICIT, CARD_REQUIRED, CARD_REPEATED, CARD_MAP };

static enum card cardinality(const struct pbt_field *f)
{
	const pbt_field_proto *fp = f->fp;
	ftype k = kind(f);

	if (fp->label == L(REPEATED))
		return pbt_field_is_map(f) ? CARD_MAP : CARD_REPEATED;
	if (fp->label == L(REQUIRED))
		return CARD_REQUIRED;
	/* protobuf-go: LEGACY_REQUIRED makes any field required, even a
	 * message field. */
	if (f->file->syntax == PBT_SYNTAX_EDITIONS &&
	    f->features.field_presence == PBT_PRESENCE_LEGACY_REQUIRED)
		return CARD_REQUIRED;
	if (f->file->syntax == PBT_SYNTAX_PROTO2)
		return CARD_EXPLICIT;
	if (k == T(MESSAGE) || k == T(GROUP) || f->is_extension || f->oneof)
		return CARD_EXPLICIT;
	if (f->file->syntax == PBT_SYNTAX_PROTO3)
		return fp->has_proto3_optional && fp->proto3_optional ? CARD_EXPLICIT :
			CARD_IMPLICIT;
	return f->features.field_presence == PBT_PRESENCE_IMPLICIT ?
		CARD_IMPLICIT : CARD_EXPLICIT;
}

static const char *card_name(enum card c)
{
	static const char *names[] = {
		"optional with explicit presence", "optional with implicit presence",
		"required", "repeated", "map",
	};
	return names[c];
}

static void check_cardinality(struct pbt_cx *cx, const struct pbt_field *of,
			      const struct pbt_field *nf, const int group[5])
{
	enum card oc, nc;
	struct pbt_span span;

	/* buf skips the key and value of a map that is still a map. */
	if (both_map_entry_fields(of, nf))
		return;
	oc = cardinality(of);
	nc = cardinality(nf);
	if (oc == nc || (group && group[oc] == group[nc]))
		return;
	field_span(nf, &span);
	report(cx, of, nf, &span, " changed cardinality from \"%s\" to \"%s\".",
	       card_name(oc), card_name(nc));
}

void pbt_check_field_same_cardinality(struct pbt_cx *cx, const void *o, const void *n)
{
	check_cardinality(cx, o, n, NULL);
}

void pbt_check_field_wire_compatible_cardinality(struct pbt_cx *cx, const void *o,
						 const void *n)
{
	/* explicit ~ implicit; required alone; repeated ~ map */
	static const int group[5] = { 0, 0, 1, 2, 2 };

	check_cardinality(cx, o, n, group);
}

void pbt_check_field_wire_json_compatible_cardinality(struct pbt_cx *cx, const void *o,
						      const void *n)
{
	static const int group[5] = { 0, 0, 1, 2, 3 };

	check_cardinality(cx, o, n, group);
}

/* ---------------------------------------------------------------- names */

void pbt_check_field_same_name(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_field *of = o, *nf = n;
	const char *on = of->is_extension ? of->full_name : of->name;
	const char *nn = nf->is_extension ? nf->full_name : nf->name;
	struct pbt_span span;

	if (!strcmp(on, nn))
		return;
	sub_span(nf, FD_NAME, 0, &span);
	/* The only field message without "with name": the name is the news. */
	if (nf->is_extension)
		pbt_cx_report(cx, nf->file, &span, of->file,
			      "Extension \"%d\" on message \"%s\" changed name from \"%s\" to \"%s\".",
			      nf->number, nf->extendee, on, nn);
	else
		pbt_cx_report(cx, nf->file, &span, of->file,
			      "Field \"%d\" on message \"%s\" changed name from \"%s\" to \"%s\".",
			      nf->number, nf->message->name, on, nn);
}

/*
 * The json_name as the descriptor has it.  buf does not compute protoc's
 * default when it is missing: an absent json_name is "" (protoc and buf
 * always fill it in, so this only shows with hand-made descriptors).
 */
static const char *json_name(const struct pbt_field *f)
{
	return f->fp->json_name ? f->fp->json_name : "";
}

void pbt_check_field_same_json_name(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_field *of = o, *nf = n;
	const char *oj, *nj;
	struct pbt_span span;

	if (of->is_extension || nf->is_extension)
		return;
	oj = json_name(of);
	nj = json_name(nf);
	if (!strcmp(oj, nj))
		return;
	sub_span(nf, FD_JSON_NAME, 0, &span);
	report(cx, of, nf, &span, " changed option \"json_name\" from %s to %s.",
	       pbt_q(cx, oj), pbt_q(cx, nj));
}

static const char *jstype_name(const struct pbt_field *f)
{
	const Google__Protobuf__FieldOptions *fo = f->fp->options;
	int v = fo && fo->has_jstype ? (int)fo->jstype : 0;

	return v == 1 ? "JS_STRING" : v == 2 ? "JS_NUMBER" : "JS_NORMAL";
}

/* jstype only applies to (and buf only checks) 64-bit integer fields. */
static bool is_int64_kind(const struct pbt_field *f)
{
	switch (kind(f)) {
	case T(INT64): case T(UINT64): case T(SINT64):
	case T(FIXED64): case T(SFIXED64):
		return true;
	default:
		return false;
	}
}

void pbt_check_field_same_jstype(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_field *of = o, *nf = n;
	const char *oj, *nj;
	struct pbt_span span;

	if (!is_int64_kind(of) || !is_int64_kind(nf))
		return;
	oj = jstype_name(of);
	nj = jstype_name(nf);
	if (!strcmp(oj, nj))
		return;
	option_span(nf, FO_JSTYPE, &span);
	report(cx, of, nf, &span, " changed option \"jstype\" from \"%s\" to \"%s\".",
	       oj, nj);
}

/* ---------------------------------------------------------------- oneof */

/* The oneof a field is in; proto3 `optional` oneofs do not count. */
static const struct pbt_oneof *real_oneof(const struct pbt_field *f)
{
	return f->oneof && !f->oneof->synthetic ? f->oneof : NULL;
}

void pbt_check_field_same_oneof(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_field *of = o, *nf = n;
	const struct pbt_oneof *oo = real_oneof(of), *no = real_oneof(nf);
	struct pbt_span span;

	if (!oo && !no)
		return;
	if (oo && no && !strcmp(oo->name, no->name))
		return;
	field_span(nf, &span);
	if (oo && no)
		report(cx, of, nf, &span, " moved from oneof \"%s\" to oneof \"%s\".",
		       oo->name, no->name);
	else if (oo)
		report(cx, of, nf, &span, " moved from inside to outside a oneof.");
	else
		report(cx, of, nf, &span, " moved from outside to inside a oneof.");
}

/* ---------------------------------------------------------------- C++ / Java */

static bool string_or_bytes(const struct pbt_field *f)
{
	ftype k = kind(f);

	return k == T(STRING) || k == T(BYTES);
}

/* The C++ string type; *piece is set for the legacy ctype STRING_PIECE. */
static int cpp_string_type(const struct pbt_field *f, bool *piece)
{
	const Google__Protobuf__FieldOptions *fo = f->fp->options;

	*piece = false;
	if (fo && fo->has_ctype) {
		switch (fo->ctype) {
		case GOOGLE__PROTOBUF__FIELD_OPTIONS__CTYPE__CORD:
			return PBT_CPP_CORD;
		case GOOGLE__PROTOBUF__FIELD_OPTIONS__CTYPE__STRING_PIECE:
			*piece = true;
			return PBT_CPP_STRING;
		default:
			return PBT_CPP_STRING;
		}
	}
	if (f->file->syntax != PBT_SYNTAX_EDITIONS)
		return PBT_CPP_STRING;
	return f->features.cpp_string_type;
}

static const char *cpp_name(int t, bool piece)
{
	if (piece)
		return "STRING_PIECE";
	return t == PBT_CPP_VIEW ? "VIEW" : t == PBT_CPP_CORD ? "CORD" : "STRING";
}

void pbt_check_field_same_cpp_string_type(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_field *of = o, *nf = n;
	bool op, np;
	int ot, nt;
	struct pbt_span span;
	struct pbt_path p;

	if (!string_or_bytes(of) || !string_or_bytes(nf))
		return;
	/* buf skips the key and value of a map that is still a map. */
	if (both_map_entry_fields(of, nf))
		return;
	ot = cpp_string_type(of, &op);
	nt = cpp_string_type(nf, &np);
	if (ot == nt && (op == np || op))
		return;
	memset(&span, 0, sizeof(span));
	pbt_path_field(&p, nf);
	if (!pbt_file_span_sub2(nf->file, &p, FD_OPTIONS, FO_CTYPE, &span) &&
	    !pbt_file_span_sub4(nf->file, &p, FD_OPTIONS, PBT_FEATURES_FIELD,
				1000, 2, &span))
		pbt_file_span(nf->file, &p, &span);
	report(cx, of, nf, &span, " changed C++ string type from \"%s\" to \"%s\".",
	       cpp_name(ot, op), cpp_name(nt, np));
}

/* Java checks UTF-8 if its own feature says VERIFY or the field's does. */
static bool java_verifies(const struct pbt_field *f)
{
	const Google__Protobuf__FileOptions *fo = f->file->fd->options;

	if (f->file->syntax != PBT_SYNTAX_EDITIONS) {
		if (fo && fo->has_java_string_check_utf8 && fo->java_string_check_utf8)
			return true;
		return f->file->syntax == PBT_SYNTAX_PROTO3;
	}
	return f->features.java_utf8_validation == PBT_JAVA_UTF8_VERIFY ||
	       f->features.utf8_validation == PBT_UTF8_VERIFY;
}

void pbt_check_field_same_java_utf8_validation(struct pbt_cx *cx, const void *o,
					       const void *n)
{
	const struct pbt_field *of = o, *nf = n;
	bool ov, nv;
	struct pbt_span span;
	struct pbt_path p;

	if (kind(of) != T(STRING) || kind(nf) != T(STRING))
		return;
	ov = java_verifies(of);
	nv = java_verifies(nf);
	if (ov == nv)
		return;
	memset(&span, 0, sizeof(span));
	pbt_path_field(&p, nf);
	if (!pbt_file_span_sub4(nf->file, &p, FD_OPTIONS, PBT_FEATURES_FIELD,
				1001, 2, &span)) {
		struct pbt_path fp = { .n = 0 };

		pbt_path_push(&fp, 8);	/* FileDescriptorProto.options */
		pbt_path_push(&fp, 27);	/* java_string_check_utf8 */
		if (nf->file->syntax == PBT_SYNTAX_EDITIONS ||
		    !pbt_file_span(nf->file, &fp, &span))
			pbt_file_span(nf->file, &p, &span);
	}
	report(cx, of, nf, &span, " changed Java string UTF8 validation from \"%s\" to \"%s\".",
	       ov ? "VERIFY" : "NONE", nv ? "VERIFY" : "NONE");
}

static int utf8_validation(const struct pbt_field *f)
{
	return f->features.utf8_validation;
}

void pbt_check_field_same_utf8_validation(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_field *of = o, *nf = n;
	int ov, nv;
	struct pbt_span span;
	struct pbt_path p;

	if (kind(of) != T(STRING) || kind(nf) != T(STRING))
		return;
	ov = utf8_validation(of);
	nv = utf8_validation(nf);
	if (ov == nv)
		return;
	memset(&span, 0, sizeof(span));
	pbt_path_field(&p, nf);
	if (!pbt_file_span_sub3(nf->file, &p, FD_OPTIONS, PBT_FEATURES_FIELD, 4,
				&span))
		pbt_file_span(nf->file, &p, &span);
	report(cx, of, nf, &span, " changed UTF8 validation from %s to %s.",
	       ov == PBT_UTF8_VERIFY ? "VERIFY" : "NONE",
	       nv == PBT_UTF8_VERIFY ? "VERIFY" : "NONE");
}

/* ---------------------------------------------------------------- defaults */

enum dkind { D_NONE, D_INT, D_UINT, D_FLOAT, D_BYTES };

struct dvalue {
	enum dkind k;
	long long i;
	unsigned long long u;
	double f;
	const char *bytes;	/* D_BYTES: content (string or unescaped bytes) */
	size_t len;
	bool is_bytes;		/* bytes field (printed as [0x..]) */
	bool is_bool;
	bool is_float;		/* float/double field: print like Go's %v */
	bool is_float32;	/* float field: float32 precision */
	const char *enum_name;	/* "Enum.VALUE" for enums */
};

/* Undo protoc's C escaping of bytes defaults (\n, \NNN, \xHH). */
static size_t unescape(char *out, const char *s)
{
	size_t n = 0;

	while (*s) {
		if (*s != '\\' || !s[1]) {
			out[n++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'n': out[n++] = '\n'; s++; break;
		case 'r': out[n++] = '\r'; s++; break;
		case 't': out[n++] = '\t'; s++; break;
		case 'a': out[n++] = '\a'; s++; break;
		case 'b': out[n++] = '\b'; s++; break;
		case 'f': out[n++] = '\f'; s++; break;
		case 'v': out[n++] = '\v'; s++; break;
		case 'x': case 'X': {
			int v = 0, d = 0;

			s++;
			while (d < 2 && ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
					 (*s >= 'A' && *s <= 'F'))) {
				v = v * 16 + (*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
				s++;
				d++;
			}
			out[n++] = (char)v;
			break;
		}
		default:
			if (*s >= '0' && *s <= '7') {
				int v = 0, d = 0;

				while (d < 3 && *s >= '0' && *s <= '7') {
					v = v * 8 + (*s - '0');
					s++;
					d++;
				}
				out[n++] = (char)v;
			} else {
				out[n++] = *s++;
			}
		}
	}
	out[n] = '\0';
	return n;
}

static bool default_value(struct pbt_cx *cx, const struct pbt_field *f, struct dvalue *v)
{
	const char *d = f->fp->default_value;
	ftype k = kind(f);

	memset(v, 0, sizeof(*v));
	switch (k) {
	case T(STRING):
	case T(BYTES):
		v->k = D_BYTES;
		v->is_bytes = k == T(BYTES);
		if (!d)
			d = "";
		if (v->is_bytes) {
			char *b = pbt_arena_alloc(cx->tmp, strlen(d) + 1);

			v->len = unescape(b, d);
			v->bytes = b;
		} else {
			v->bytes = d;
			v->len = strlen(d);
		}
		return true;
	case T(BOOL):
		v->k = D_INT;
		v->is_bool = true;
		v->i = d && !strcmp(d, "true");
		return true;
	case T(FLOAT):
	case T(DOUBLE):
		v->k = D_FLOAT;
		v->is_float = true;
		if (!d)
			v->f = 0;
		else if (!strcmp(d, "inf"))
			v->f = INFINITY;
		else if (!strcmp(d, "-inf"))
			v->f = -INFINITY;
		else if (!strcmp(d, "nan"))
			v->f = NAN;
		else
			v->f = strtod(d, NULL);
		if (k == T(FLOAT)) {
			v->f = (double)(float)v->f;
			v->is_float32 = true;
		}
		return true;
	case T(UINT32): case T(UINT64): case T(FIXED32): case T(FIXED64):
		v->k = D_UINT;
		v->u = d ? strtoull(d, NULL, 10) : 0;
		return true;
	case T(INT32): case T(INT64): case T(SINT32): case T(SINT64):
	case T(SFIXED32): case T(SFIXED64):
		v->k = D_INT;
		v->i = d ? strtoll(d, NULL, 10) : 0;
		return true;
	case T(ENUM): {
		const struct pbt_enum *e = pbt_schema_enum(f->file->schema, type_name(f));
		size_t i;

		v->k = D_INT;
		if (!e || !e->n_values)
			return false;
		if (!d) {
			v->i = e->values[0].number;
			v->enum_name = pbt_arena_printf(cx->tmp, "%s.%s", e->name, e->values[0].name);
			return true;
		}
		for (i = 0; i < e->n_values; i++)
			if (!strcmp(e->values[i].name, d)) {
				v->i = e->values[i].number;
				v->enum_name = pbt_arena_printf(cx->tmp, "%s.%s", e->name, d);
				return true;
			}
		return false;
	}
	default:
		return false;
	}
}

static bool dvalue_zero(const struct dvalue *v)
{
	switch (v->k) {
	case D_INT: return v->i == 0;
	case D_UINT: return v->u == 0;
	case D_FLOAT: return v->f == 0;
	case D_BYTES: return v->len == 0;
	default: return true;
	}
}

/*
 * An integer equals a float only if the float is exactly that integer:
 * buf reports int64 9007199254740993 -> double 9007199254740992, which a
 * conversion to double would call equal.
 */
static bool int_equals_float(const struct dvalue *iv, double f)
{
	if (isnan(f) || f != floor(f))
		return false;
	if (iv->k == D_UINT)
		return f >= 0 && f < 18446744073709551616.0 &&
		       (unsigned long long)f == iv->u;
	return f >= -9223372036854775808.0 && f < 9223372036854775808.0 &&
	       (long long)f == iv->i;
}

static bool dvalue_equal(const struct dvalue *a, const struct dvalue *b)
{
	if (a->k == D_BYTES || b->k == D_BYTES)
		return a->k == b->k && a->len == b->len && !memcmp(a->bytes, b->bytes, a->len);
	if (a->k == D_FLOAT && b->k == D_FLOAT) {
		double x = a->f, y = b->f;

		if (isnan(x) && isnan(y))
			return true;
		/* With a float field on either side buf compares float32s. */
		if (a->is_float32 || b->is_float32)
			return (float)x == (float)y;
		return x == y;
	}
	if (a->k == D_FLOAT)
		return int_equals_float(b, a->f);
	if (b->k == D_FLOAT)
		return int_equals_float(a, b->f);
	if (a->k == D_UINT && b->k == D_UINT)
		return a->u == b->u;
	if (a->k == D_INT && b->k == D_INT)
		return a->i == b->i;
	if (a->k == D_INT)
		return a->i >= 0 && (unsigned long long)a->i == b->u;
	return b->i >= 0 && (unsigned long long)b->i == a->u;
}

/*
 * Go's %v of a float: the shortest digits that read back as the same
 * float32 (float fields) or float64, in %e form when the exponent is
 * below -4 or at least 6, as fmt.Sprint and strconv.FormatFloat(f, 'g', -1, bits).
 */
static void add_go_float(struct pbt_buf *b, double f, bool bits32)
{
	char tmp[64], mant[64], *e;
	int prec, exp;
	size_t ml;

	if (isnan(f)) {
		pbt_buf_adds(b, "NaN");
		return;
	}
	if (isinf(f)) {
		pbt_buf_adds(b, f > 0 ? "+Inf" : "-Inf");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, f);
		if (bits32 ? strtof(tmp, NULL) == (float)f : strtod(tmp, NULL) == f)
			break;
	}
	e = strchr(tmp, 'e');
	exp = e ? atoi(e + 1) : 0;
	ml = e ? (size_t)(e - tmp) : strlen(tmp);
	memcpy(mant, tmp, ml);
	mant[ml] = '\0';
	if (exp < -4 || exp >= 6) {
		/* Go writes at least two exponent digits: 1e+06, 1.5e-07. */
		pbt_buf_addf(b, "%se%c%02d", mant, exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.*f", prec - 1 - exp > 0 ? prec - 1 - exp : 0, f);
	pbt_buf_adds(b, tmp);
}

static const char *dvalue_str(struct pbt_cx *cx, const struct dvalue *v)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *s;
	size_t i;

	if (v->enum_name)
		return v->enum_name;
	switch (v->k) {
	case D_BYTES:
		if (!v->is_bytes) {
			pbt_buf_add_goquote(&b, v->bytes);
			break;
		}
		pbt_buf_addc(&b, '[');
		for (i = 0; i < v->len; i++)
			/* Go's %#X of each byte: no zero padding. */
			pbt_buf_addf(&b, "%s0x%X", i ? "," : "",
				     (unsigned char)v->bytes[i]);
		pbt_buf_addc(&b, ']');
		break;
	case D_INT:
		if (v->is_bool)
			pbt_buf_adds(&b, v->i ? "true" : "false");
		else
			pbt_buf_addf(&b, "%lld", v->i);
		break;
	case D_UINT:
		pbt_buf_addf(&b, "%llu", v->u);
		break;
	case D_FLOAT:
		add_go_float(&b, v->f, v->is_float32);
		break;
	default:
		break;
	}
	s = pbt_arena_strdup(cx->tmp, pbt_buf_str(&b));
	pbt_buf_release(&b);
	return s;
}

static bool has_default_semantics(const struct pbt_field *f)
{
	ftype k = kind(f);

	return f->fp->label != L(REPEATED) && k != T(MESSAGE) && k != T(GROUP);
}

void pbt_check_field_same_default(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_field *of = o, *nf = n;
	struct dvalue ov, nv;
	struct pbt_span span;

	if (!has_default_semantics(of) || !has_default_semantics(nf))
		return;
	if (!default_value(cx, of, &ov) || !default_value(cx, nf, &nv))
		return;
	if (dvalue_zero(&ov) && dvalue_zero(&nv))
		return;
	if (dvalue_equal(&ov, &nv))
		return;
	sub_span(nf, FD_DEFAULT, 0, &span);
	report(cx, of, nf, &span, " changed default value from %s to %s.",
	       dvalue_str(cx, &ov), dvalue_str(cx, &nv));
}
