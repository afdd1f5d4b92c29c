/*
 * Editions features: reading them from options (where the system's 3.21
 * descriptor.proto leaves them as unknown fields) and the per-edition
 * defaults.  Inheritance along file -> message -> field is done by
 * schema.c, which knows the parents; the meaning of legacy proto2/proto3
 * options (ctype, java_string_check_utf8, groups, required) is applied by
 * the rules that need it.
 */
#include "featureset.h"

#include <string.h>

#include "arena.h"
#include "pbt_ext.pb-c.h"

static const ProtobufCMessageUnknownField *last_unknown(const ProtobufCMessage *msg,
							 unsigned tag)
{
	const ProtobufCMessageUnknownField *found = NULL;
	unsigned i;

	if (!msg)
		return NULL;
	for (i = 0; i < msg->n_unknown_fields; i++)
		if (msg->unknown_fields[i].tag == tag)
			found = &msg->unknown_fields[i];
	return found;
}

/*
 * protobuf-c keeps an unknown field's bytes as they were on the wire after
 * the tag: varints whole, length-delimited values with their length
 * prefix.  Decoding a varint from those bytes is the one piece of wire
 * format read here; everything structured goes back through protobuf-c.
 */
static bool varint(const uint8_t *p, size_t n, uint64_t *v, size_t *used)
{
	uint64_t r = 0;
	size_t i;

	for (i = 0; i < n && i < 10; i++) {
		r |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = r;
			*used = i + 1;
			return true;
		}
	}
	return false;
}

bool pbt_unknown_varint(const ProtobufCMessage *msg, unsigned tag,
			uint64_t *value)
{
	const ProtobufCMessageUnknownField *u = last_unknown(msg, tag);
	size_t used;

	if (!u || u->wire_type != PROTOBUF_C_WIRE_TYPE_VARINT)
		return false;
	return varint(u->data, u->len, value, &used);
}

bool pbt_unknown_bytes(const ProtobufCMessage *msg, unsigned tag,
		       const uint8_t **data, size_t *len)
{
	const ProtobufCMessageUnknownField *u = last_unknown(msg, tag);
	uint64_t n;
	size_t used;

	if (!u || u->wire_type != PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED)
		return false;
	if (!varint(u->data, u->len, &n, &used) || n > u->len - used)
		return false;
	*data = u->data + used;
	*len = (size_t)n;
	return true;
}

static void *pb_alloc(void *arena, size_t n)
{
	return pbt_arena_alloc(arena, n);
}

static void pb_free(void *arena, void *p)
{
	(void)arena;
	(void)p;
}

static int8_t small(int32_t v)
{
	return v > 0 && v < 127 ? (int8_t)v : 0;
}

const struct pbt_featset *pbt_featset_from_options(struct pbt_arena *arena,
						   const ProtobufCMessage *opts,
						   unsigned tag)
{
	ProtobufCAllocator pa = { pb_alloc, pb_free, arena };
	struct pbt_featset *fs;
	Pbt__Ext__FeatureSet *m;
	const uint8_t *data;
	size_t len;
	unsigned i;

	if (!opts || !opts->n_unknown_fields)
		return NULL;
	fs = NULL;
	/* A repeated message field merges; apply each occurrence in order. */
	for (i = 0; i < opts->n_unknown_fields; i++) {
		const ProtobufCMessageUnknownField *u = &opts->unknown_fields[i];
		uint64_t n;
		size_t used;

		if (u->tag != tag || u->wire_type != PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED)
			continue;
		if (!varint(u->data, u->len, &n, &used) || n > u->len - used)
			continue;
		data = u->data + used;
		len = (size_t)n;
		m = pbt__ext__feature_set__unpack(&pa, len, data);
		if (!m)
			continue;
		if (!fs)
			fs = pbt_arena_zalloc(arena, sizeof(*fs));
		if (m->has_field_presence)
			fs->field_presence = small(m->field_presence);
		if (m->has_enum_type)
			fs->enum_type = small(m->enum_type);
		if (m->has_repeated_field_encoding)
			fs->repeated_field_encoding = small(m->repeated_field_encoding);
		if (m->has_utf8_validation)
			fs->utf8_validation = small(m->utf8_validation);
		if (m->has_message_encoding)
			fs->message_encoding = small(m->message_encoding);
		if (m->has_json_format)
			fs->json_format = small(m->json_format);
		if (m->cpp && m->cpp->has_string_type)
			fs->cpp_string_type = small(m->cpp->string_type);
		if (m->java && m->java->has_utf8_validation)
			fs->java_utf8_validation = small(m->java->utf8_validation);
	}
	return fs;
}

struct pbt_features pbt_features_defaults(int edition)
{
	struct pbt_features f;

	/* EDITION_LEGACY, i.e. proto2 */
	f.field_presence = PBT_PRESENCE_EXPLICIT;
	f.enum_type = PBT_ENUM_CLOSED;
	f.repeated_field_encoding = PBT_REPEATED_EXPANDED;
	f.utf8_validation = PBT_UTF8_NONE;
	f.message_encoding = PBT_ENCODING_LENGTH_PREFIXED;
	f.json_format = PBT_JSON_LEGACY_BEST_EFFORT;
	f.cpp_string_type = PBT_CPP_STRING;
	f.java_utf8_validation = PBT_JAVA_UTF8_DEFAULT;
	if (edition >= PBT_EDITION_PROTO3) {
		f.field_presence = PBT_PRESENCE_IMPLICIT;
		f.enum_type = PBT_ENUM_OPEN;
		f.repeated_field_encoding = PBT_REPEATED_PACKED;
		f.utf8_validation = PBT_UTF8_VERIFY;
		f.json_format = PBT_JSON_ALLOW;
	}
	if (edition >= PBT_EDITION_2023)
		f.field_presence = PBT_PRESENCE_EXPLICIT;
	if (edition >= PBT_EDITION_2024)
		f.cpp_string_type = PBT_CPP_VIEW;
	return f;
}

void pbt_features_apply(struct pbt_features *f, const struct pbt_featset *fs)
{
	if (!fs)
		return;
	if (fs->field_presence)
		f->field_presence = fs->field_presence;
	if (fs->enum_type)
		f->enum_type = fs->enum_type;
	if (fs->repeated_field_encoding)
		f->repeated_field_encoding = fs->repeated_field_encoding;
	if (fs->utf8_validation)
		f->utf8_validation = fs->utf8_validation;
	if (fs->message_encoding)
		f->message_encoding = fs->message_encoding;
	if (fs->json_format)
		f->json_format = fs->json_format;
	if (fs->cpp_string_type)
		f->cpp_string_type = fs->cpp_string_type;
	if (fs->java_utf8_validation)
		f->java_utf8_validation = fs->java_utf8_validation;
}

const char *pbt_edition_name(int edition)
{
	switch (edition) {
	case PBT_EDITION_PROTO2: return "proto2";
	case PBT_EDITION_PROTO3: return "proto3";
	case PBT_EDITION_2023: return "2023";
	case PBT_EDITION_2024: return "2024";
	default: return "unknown";
	}
}
