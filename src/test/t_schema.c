/*
 * Loading and indexing: a FileDescriptorSet built here with protobuf-c
 * (editions fields and buf's is_import as unknown fields, the way a 3.21
 * descriptor.proto sees them), then looked at through the index.
 */
#include <stdlib.h>

#include "err.h"
#include "pbt_ext.pb-c.h"
#include "schema.h"
#include "t.h"

typedef Google__Protobuf__FieldDescriptorProto fdp;

/* An unknown length-delimited field as protobuf-c keeps it: prefix + bytes. */
static void add_unknown_msg(ProtobufCMessage *m, unsigned tag, const ProtobufCMessage *payload)
{
	size_t n = protobuf_c_message_get_packed_size(payload);
	uint8_t *d = malloc(n + 2);
	ProtobufCMessageUnknownField *u;

	d[0] = (uint8_t)n;	/* tests keep payloads < 128 bytes */
	protobuf_c_message_pack(payload, d + 1);
	m->unknown_fields = realloc(m->unknown_fields,
				    (m->n_unknown_fields + 1) * sizeof(*u));
	u = &m->unknown_fields[m->n_unknown_fields++];
	u->tag = tag;
	u->wire_type = PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED;
	u->len = n + 1;
	u->data = d;
}

static void add_unknown_varint(ProtobufCMessage *m, unsigned tag, unsigned v)
{
	uint8_t *d = malloc(2);
	ProtobufCMessageUnknownField *u;

	d[0] = (uint8_t)(0x80 | (v & 0x7f));
	d[1] = (uint8_t)(v >> 7);
	m->unknown_fields = realloc(m->unknown_fields,
				    (m->n_unknown_fields + 1) * sizeof(*u));
	u = &m->unknown_fields[m->n_unknown_fields++];
	u->tag = tag;
	u->wire_type = PROTOBUF_C_WIRE_TYPE_VARINT;
	u->len = 2;
	u->data = d;
}

static void free_unknown(ProtobufCMessage *m)
{
	unsigned i;

	for (i = 0; i < m->n_unknown_fields; i++)
		free(m->unknown_fields[i].data);
	free(m->unknown_fields);
}

static void index_editions_file(void)
{
	Google__Protobuf__FileDescriptorSet set = GOOGLE__PROTOBUF__FILE_DESCRIPTOR_SET__INIT;
	Google__Protobuf__FileDescriptorProto file = GOOGLE__PROTOBUF__FILE_DESCRIPTOR_PROTO__INIT;
	Google__Protobuf__DescriptorProto msg = GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__INIT;
	Google__Protobuf__DescriptorProto inner = GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__INIT;
	fdp f1 = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__INIT;
	fdp f2 = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__INIT;
	Google__Protobuf__FieldOptions fo = GOOGLE__PROTOBUF__FIELD_OPTIONS__INIT;
	Google__Protobuf__FileOptions fileo = GOOGLE__PROTOBUF__FILE_OPTIONS__INIT;
	Pbt__Ext__FeatureSet fs_field = PBT__EXT__FEATURE_SET__INIT;
	Pbt__Ext__FeatureSet fs_file = PBT__EXT__FEATURE_SET__INIT;
	Pbt__Ext__ImageFileExtension img = PBT__EXT__IMAGE_FILE_EXTENSION__INIT;
	Google__Protobuf__FileDescriptorProto *files[1] = { &file };
	Google__Protobuf__DescriptorProto *msgs[1] = { &msg }, *nested[1] = { &inner };
	fdp *fields[2] = { &f1, &f2 };
	struct pbt_schema *s;
	struct pbt_message *m, *im;
	struct pbt_err err;
	uint8_t *bytes;
	size_t n;

	file.name = (char *)"a/b.proto";
	file.package = (char *)"pkg";
	file.syntax = (char *)"editions";
	add_unknown_varint(&file.base, 14, 1000);	/* EDITION_2023 */
	img.has_is_import = 1;
	img.is_import = 1;
	add_unknown_msg(&file.base, 8042, &img.base);
	fs_file.has_field_presence = 1;
	fs_file.field_presence = 2;	/* IMPLICIT for the whole file */
	add_unknown_msg(&fileo.base, 50, &fs_file.base);
	file.options = &fileo;
	file.n_message_type = 1;
	file.message_type = msgs;
	msg.name = (char *)"M";
	msg.n_field = 2;
	msg.field = fields;
	msg.n_nested_type = 1;
	msg.nested_type = nested;
	inner.name = (char *)"Inner";
	f1.name = (char *)"b";
	f1.has_number = 1;
	f1.number = 7;
	f1.has_type = 1;
	f1.type = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING;
	fs_field.has_field_presence = 1;
	fs_field.field_presence = 1;	/* EXPLICIT on this field */
	add_unknown_msg(&fo.base, 21, &fs_field.base);
	f1.options = &fo;
	f2.name = (char *)"a";
	f2.has_number = 1;
	f2.number = 2;
	f2.has_type = 1;
	f2.type = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE;
	f2.type_name = (char *)".pkg.M.Inner";
	set.n_file = 1;
	set.file = files;

	n = protobuf_c_message_get_packed_size(&set.base);
	bytes = malloc(n);
	protobuf_c_message_pack(&set.base, bytes);
	s = pbt_schema_from_bytes("t.binpb", bytes, n, &err);
	free(bytes);
	free_unknown(&file.base);
	free_unknown(&fileo.base);
	free_unknown(&fo.base);
	T_CHECK(s != NULL);
	if (!s)
		return;
	T_EQ_INT(s->n_files, 1);
	T_EQ_INT(s->files[0].syntax, PBT_SYNTAX_EDITIONS);
	T_EQ_INT(s->files[0].edition, PBT_EDITION_2023);
	T_CHECK(s->files[0].is_import);
	m = pbt_schema_message(s, "pkg.M");
	im = pbt_schema_message(s, "pkg.M.Inner");
	T_CHECK(m && im);
	if (m && im) {
		T_EQ_STR(im->nested_name, "M.Inner");
		T_CHECK(im->parent == m);
		T_CHECK(pbt_message_field(m, 7) == &m->fields[0]);
		T_CHECK(pbt_message_field(m, 2) == &m->fields[1]);
		T_CHECK(pbt_message_field(m, 3) == NULL);
		T_EQ_INT(m->features.field_presence, PBT_PRESENCE_IMPLICIT);
		T_EQ_INT(m->fields[0].features.field_presence, PBT_PRESENCE_EXPLICIT);
		T_EQ_INT(m->fields[1].features.field_presence, PBT_PRESENCE_IMPLICIT);
		T_CHECK(pbt_field_message_type(&m->fields[1]) == im);
	}
	pbt_schema_free(s);
}

static void rejects_bad_input(void)
{
	struct pbt_err err;
	static const unsigned char junk[] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01 };

	T_CHECK(pbt_schema_from_bytes("x", (const unsigned char *)"", 0, &err) == NULL);
	T_EQ_STR(err.msg,
		 "empty file, not a FileDescriptorSet (protoc -o output)");
	T_CHECK(pbt_schema_from_bytes("x", junk, sizeof(junk), &err) == NULL);
	T_EQ_INT(err.code, PBT_EINPUT);
	T_CHECK(pbt_schema_from_bytes("x", (const unsigned char *)"{\"file\":[]}", 11, &err) == NULL);
	T_EQ_STR(err.msg, "not a FileDescriptorSet: JSON text (pbtable reads "
		 "the binary encoding: protoc -o, buf build -o x.binpb)");
	/*
	 * A valid set whose first file is 123 bytes long starts with 0x0a
	 * 0x7b, "\n{": it must load, not be taken for JSON.
	 */
	{
		unsigned char set[2 + 123] = { 0x0a, 123, 0x0a, 121 };
		struct pbt_schema *s;

		memset(set + 4, 'a', 121);
		s = pbt_schema_from_bytes("x", set, sizeof(set), &err);
		T_CHECK(s != NULL);
		T_EQ_INT(s ? s->n_files : 0, 1);
		pbt_schema_free(s);
	}
}

const struct t_case t_schema_cases[] = {
	{ "index_editions_file", index_editions_file },
	{ "rejects_bad_input", rejects_bad_input },
	{ NULL, NULL },
};
