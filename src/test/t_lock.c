/*
 * pbtable.lock parsing: round trips, file:line errors, and any bytes in
 * without a crash or a read past the end (the buffers here have no NUL
 * after them, and the ASan run would catch a stray read).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "findings.h"
#include "history.h"
#include "lock.h"
#include "rules.h"
#include "t.h"

/* Parse exactly len bytes from a malloc()ed copy without a terminator. */
static int parse_exact(struct pbt_lock *l, const char *s, size_t len,
		       struct pbt_err *err)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, s, len);
	rc = pbt_lock_parse(l, "t.lock", copy, len, err);
	free(copy);
	return rc;
}

static const char header[] =
	"# pbtable.lock: every field and enum value number and name ever used.\n"
	"# Written by `pbtable lock update`, which only ever adds lines (unless\n"
	"# --prune).  One entry per line, sorted; see docs/history.md.\n"
	"pbtable-lock 1\n";

static void round_trip_sorts_and_dedups(void)
{
	static const char in[] =
		"# a comment first\r\n"
		"pbtable-lock 1\r\n"
		"message a.B field 10 ten json=ten type=int32 card=implicit\n"
		"\n"
		"message a.B   field 9 nine json=nine type=enum:a.E card=repeated\n"
		"enum a.E value 0 E_ZERO\n"
		"message a.B reserved-name old\n"
		"message a.B reserved 3 5\n"
		"message a.B field 9 nine json=nine type=enum:a.E card=repeated\n"
		"message a.A field 1 \"one\" json=\"o n\\\"e\" type=message:a.A card=optional oneof=k";
	static const char want[] =
		"enum a.E value 0 E_ZERO\n"
		"message a.A field 1 one json=\"o n\\\"e\" type=message:a.A card=optional oneof=k\n"
		"message a.B field 9 nine json=nine type=enum:a.E card=repeated\n"
		"message a.B field 10 ten json=ten type=int32 card=implicit\n"
		"message a.B reserved 3 5\n"
		"message a.B reserved-name old\n";
	struct pbt_lock l, again;
	struct pbt_buf out = PBT_BUF_INIT, out2 = PBT_BUF_INIT;
	struct pbt_err err;

	pbt_lock_init(&l);
	T_CHECK(!parse_exact(&l, in, sizeof(in) - 1, &err));
	T_EQ_INT(l.n, 6);
	pbt_lock_render(&l, &out);
	T_CHECK(out.len > strlen(header) &&
		!strncmp(out.buf, header, strlen(header)));
	T_EQ_STR(pbt_buf_str(&out) + strlen(header), want);
	pbt_lock_init(&again);
	T_CHECK(!parse_exact(&again, out.buf, out.len, &err));
	pbt_lock_render(&again, &out2);
	T_EQ_STR(pbt_buf_str(&out2), pbt_buf_str(&out));
	pbt_buf_release(&out);
	pbt_buf_release(&out2);
	pbt_lock_release(&l);
	pbt_lock_release(&again);
}

static void quoting_round_trips(void)
{
	struct pbt_lock l, back;
	struct pbt_lock_entry e;
	struct pbt_buf out = PBT_BUF_INIT;
	struct pbt_err err;
	static const char json[] = "a \"b\" \\c\n\t\x7f\x01 \xc3\xa9";

	memset(&e, 0, sizeof(e));
	e.kind = PBT_LOCK_FIELD;
	e.elem = "p.M";
	e.number = 7;
	e.name = "x y";
	e.json = json;
	e.type = "string";
	e.card = PBT_LOCK_OPTIONAL;
	pbt_lock_init(&l);
	T_CHECK(pbt_lock_add(&l, &e));
	T_CHECK(!pbt_lock_add(&l, &e));
	pbt_lock_render(&l, &out);
	pbt_lock_init(&back);
	T_CHECK(!parse_exact(&back, out.buf, out.len, &err));
	T_EQ_INT(back.n, 1);
	if (back.n) {
		T_EQ_STR(back.v[0].json, json);
		T_EQ_STR(back.v[0].name, "x y");
		T_EQ_STR(back.v[0].text, l.v[0].text);
	}
	pbt_buf_release(&out);
	pbt_lock_release(&l);
	pbt_lock_release(&back);
}

static void error_names_line(void)
{
	static const char in[] = "pbtable-lock 1\n# ok\nmessage a.B field x y\n";
	struct pbt_lock l;
	struct pbt_err err;

	pbt_lock_init(&l);
	T_CHECK(parse_exact(&l, in, sizeof(in) - 1, &err) == -PBT_EINPUT);
	T_EQ_INT(err.loc.line, 3);
	T_EQ_STR(err.loc.path, "t.lock");
	T_EQ_STR(err.msg, "field number 'x' is not a number");
	pbt_lock_release(&l);
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

typedef Google__Protobuf__FieldDescriptorProto fdp;

/* package a; message B { int32 x = 1; repeated E e = 2; } enum E { E0 = 0; } */
static struct pbt_schema *small_schema(void)
{
	Google__Protobuf__FileDescriptorSet set = GOOGLE__PROTOBUF__FILE_DESCRIPTOR_SET__INIT;
	Google__Protobuf__FileDescriptorProto file = GOOGLE__PROTOBUF__FILE_DESCRIPTOR_PROTO__INIT;
	Google__Protobuf__DescriptorProto msg = GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__INIT;
	Google__Protobuf__EnumDescriptorProto en = GOOGLE__PROTOBUF__ENUM_DESCRIPTOR_PROTO__INIT;
	Google__Protobuf__EnumValueDescriptorProto v0 = GOOGLE__PROTOBUF__ENUM_VALUE_DESCRIPTOR_PROTO__INIT;
	fdp x = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__INIT;
	fdp e = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__INIT;
	Google__Protobuf__FileDescriptorProto *files[1] = { &file };
	Google__Protobuf__DescriptorProto *msgs[1] = { &msg };
	Google__Protobuf__EnumDescriptorProto *enums[1] = { &en };
	Google__Protobuf__EnumValueDescriptorProto *values[1] = { &v0 };
	fdp *fields[2] = { &x, &e };
	struct pbt_schema *s;
	struct pbt_err err;
	uint8_t *bytes;
	size_t len;

	x.name = (char *)"x";
	x.has_number = x.has_label = x.has_type = 1;
	x.number = 1;
	x.label = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL;
	x.type = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32;
	e.name = (char *)"e";
	e.has_number = e.has_label = e.has_type = 1;
	e.number = 2;
	e.label = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED;
	e.type = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM;
	e.type_name = (char *)".a.E";
	msg.name = (char *)"B";
	msg.n_field = 2;
	msg.field = fields;
	v0.name = (char *)"E0";
	v0.has_number = 1;
	en.name = (char *)"E";
	en.n_value = 1;
	en.value = values;
	file.name = (char *)"a.proto";
	file.package = (char *)"a";
	file.syntax = (char *)"proto3";
	file.n_message_type = 1;
	file.message_type = msgs;
	file.n_enum_type = 1;
	file.enum_type = enums;
	set.n_file = 1;
	set.file = files;
	len = protobuf_c_message_get_packed_size(&set.base);
	bytes = malloc(len);
	protobuf_c_message_pack(&set.base, bytes);
	s = pbt_schema_from_bytes("a.binpb", bytes, len, &err);
	free(bytes);
	return s;
}

/*
 * Any bytes: success, or an input error with a message; and every lock
 * that parses can be checked against a schema (the layers built from it
 * load, whatever odd names and numbers it holds).
 */
static void any_bytes_are_safe(void)
{
	struct pbt_schema *schema = small_schema();
	bool wire[128];
	static const char *const words[] = {
		"pbtable-lock 1\n", "message ", "enum ", "a.B ", "field ", "value ",
		"reserved ", "reserved-name ", "1 ", "-5 ", "536870911 ", "x ",
		"json=", "type=", "card=", "oneof=", "int32 ", "message:a.C ",
		"implicit ", "map ", "\"", "\\", "\\x4", "\\x41", "\n", "\r\n", "#",
		"enum:a.E ", "a.E ", "required ", "oneof=o ", "2 ", "0 ",
		" ", "\t", "=", ":", "\xff", "\x00", "99999999999999999999 ",
	};
	static const char valid[] =
		"pbtable-lock 1\n"
		"message a.B field 9 nine json=\"n i\" type=enum:a.E card=repeated oneof=o\n"
		"message a.B reserved 3 5\nenum a.E value -1 NEG\nenum a.E reserved-name Q\n";
#define N_WORDS (sizeof(words) / sizeof(words[0]))
	char buf[512];
	int i, ok = 0, bad = 0;
	size_t found = 0;

	T_CHECK(schema != NULL);
	if (!schema)
		return;
	pbt_history_rules(PBT_CAT_WIRE | PBT_CAT_WIRE_JSON, wire);

	for (i = 0; i < 4000; i++) {
		struct pbt_lock l;
		struct pbt_err err;
		size_t n = 0;
		int rc;

		if (i % 2) {
			/* Word salad, mostly header first. */
			if (rnd() % 4)
				n = (size_t)snprintf(buf, sizeof(buf),
						     "pbtable-lock 1\n");
			while (n < 400 && rnd() % 16) {
				const char *w = words[rnd() % N_WORDS];
				size_t wl = *w ? strlen(w) : 1;

				memcpy(buf + n, w, wl);
				n += wl;
			}
		} else {
			/* A valid lock, mutated and cut. */
			size_t k, flips = rnd() % 4;

			n = sizeof(valid) - 1;
			memcpy(buf, valid, n);
			for (k = 0; k < flips; k++)
				buf[rnd() % n] = (char)(rnd() & 0xff);
			n = rnd() % 3 ? n : rnd() % n;
		}
		pbt_lock_init(&l);
		rc = parse_exact(&l, buf, n, &err);
		if (rc) {
			bad++;
			T_CHECK(rc == -PBT_EINPUT && err.msg[0]);
		} else {
			struct pbt_findings fs;

			ok++;
			pbt_findings_init(&fs);
			rc = pbt_lock_check(&l, "t.lock", schema, wire, &fs, &err);
			T_CHECK(!rc || err.msg[0]);
			found += fs.n;
			pbt_findings_release(&fs);
		}
		pbt_lock_release(&l);
	}
	pbt_schema_free(schema);
	/* Both outcomes happen: the inputs are not all trivially wrong; and
	 * some locks that parse disagree with the schema. */
	T_CHECK(ok > 100 && bad > 100);
	T_CHECK(found > 0);
}

const struct t_case t_lock_cases[] = {
	{ "round_trip_sorts_and_dedups", round_trip_sorts_and_dedups },
	{ "quoting_round_trips", quoting_round_trips },
	{ "error_names_line", error_names_line },
	{ "any_bytes_are_safe", any_bytes_are_safe },
	{ NULL, NULL },
};
