/*
 * Message rules where buf cannot be the oracle: buf 1.75.0 rejects any
 * image holding a message_set_wire_format message, so what a MessageSet's
 * ranges look like is checked here against protoc's descriptors instead
 * (protoc writes `extensions 4 to max;` of a MessageSet as [4, 2147483647),
 * end exclusive).  Everything buf can judge is in testdata/breaking/.
 */
#include <stdlib.h>

#include "compat.h"
#include "err.h"
#include "findings.h"
#include "rules.h"
#include "schema.h"
#include "t.h"

typedef Google__Protobuf__DescriptorProto__ExtensionRange ext_range;
typedef Google__Protobuf__DescriptorProto__ReservedRange res_range;

/*
 * One proto2 file "a.proto" with message "MS": an extension range and a
 * reserved range (end exclusive, as in descriptors), optionally a
 * MessageSet.
 */
static struct pbt_schema *message_set_schema(bool message_set,
					     int32_t ext_start, int32_t ext_end,
					     int32_t res_start, int32_t res_end)
{
	Google__Protobuf__FileDescriptorSet set =
		GOOGLE__PROTOBUF__FILE_DESCRIPTOR_SET__INIT;
	Google__Protobuf__FileDescriptorProto file =
		GOOGLE__PROTOBUF__FILE_DESCRIPTOR_PROTO__INIT;
	Google__Protobuf__DescriptorProto msg =
		GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__INIT;
	Google__Protobuf__MessageOptions mo =
		GOOGLE__PROTOBUF__MESSAGE_OPTIONS__INIT;
	ext_range er =
		GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__EXTENSION_RANGE__INIT;
	res_range rr =
		GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__RESERVED_RANGE__INIT;
	Google__Protobuf__FileDescriptorProto *files[1] = { &file };
	Google__Protobuf__DescriptorProto *msgs[1] = { &msg };
	ext_range *ers[1] = { &er };
	res_range *rrs[1] = { &rr };
	struct pbt_schema *s;
	struct pbt_err err;
	uint8_t *bytes;
	size_t n;

	file.name = (char *)"a.proto";
	file.syntax = (char *)"proto2";
	file.n_message_type = 1;
	file.message_type = msgs;
	msg.name = (char *)"MS";
	if (message_set) {
		mo.has_message_set_wire_format = 1;
		mo.message_set_wire_format = 1;
		msg.options = &mo;
	}
	er.has_start = er.has_end = 1;
	er.start = ext_start;
	er.end = ext_end;
	msg.n_extension_range = 1;
	msg.extension_range = ers;
	rr.has_start = rr.has_end = 1;
	rr.start = res_start;
	rr.end = res_end;
	msg.n_reserved_range = 1;
	msg.reserved_range = rrs;
	set.n_file = 1;
	set.file = files;

	n = protobuf_c_message_get_packed_size(&set.base);
	bytes = malloc(n);
	protobuf_c_message_pack(&set.base, bytes);
	s = pbt_schema_from_bytes("t.binpb", bytes, n, &err);
	free(bytes);
	return s;
}

/* Run one rule over old/new; findings sorted as printed. */
static void run_rule(const char *id, struct pbt_schema *old,
		     struct pbt_schema *new, struct pbt_findings *out)
{
	bool enabled[128] = { false };

	T_CHECK(pbt_n_rules <= sizeof(enabled) / sizeof(enabled[0]));
	enabled[pbt_rule_index(pbt_rule_find(id))] = true;
	pbt_findings_init(out);
	pbt_compat_run(old, new, enabled, out);
	pbt_findings_sort_unique(out);
}

static void message_set_numbers_go_past_536870911(void)
{
	/* extensions 4 to 600000000 in a MessageSet ... */
	struct pbt_schema *old = message_set_schema(true, 4, 600000001, 1, 2);
	/* ... shrinks to 4 to 100: no "max" in sight. */
	struct pbt_schema *new = message_set_schema(true, 4, 101, 1, 2);
	struct pbt_findings fs;

	T_CHECK(old && new);
	if (!old || !new)
		goto out;
	run_rule("EXTENSION_MESSAGE_NO_DELETE", old, new, &fs);
	T_EQ_INT(fs.n, 1);
	if (fs.n == 1)
		T_EQ_STR(fs.v[0].message,
			 "Previously present extension range \"[4,600000000]\" on message \"MS\" is missing values: [101,600000000] were removed.");
	pbt_findings_release(&fs);
out:
	pbt_schema_free(old);
	pbt_schema_free(new);
}

static void message_set_max_is_2147483646(void)
{
	/* reserved 10 to 536870911: the max of other messages, not this one. */
	struct pbt_schema *a = message_set_schema(true, 1, 2, 10, 536870912);
	/* reserved 10 to max, and 20 to max. */
	struct pbt_schema *b = message_set_schema(true, 1, 2, 10, 2147483647);
	struct pbt_schema *c = message_set_schema(true, 1, 2, 20, 2147483647);
	struct pbt_findings fs;

	T_CHECK(a && b && c);
	if (!a || !b || !c)
		goto out;
	run_rule("RESERVED_MESSAGE_NO_DELETE", a, c, &fs);
	T_EQ_INT(fs.n, 1);
	if (fs.n == 1)
		T_EQ_STR(fs.v[0].message,
			 "Previously present reserved range \"[10,536870911]\" on message \"MS\" is missing values: [10,19] were removed.");
	pbt_findings_release(&fs);
	run_rule("RESERVED_MESSAGE_NO_DELETE", b, a, &fs);
	T_EQ_INT(fs.n, 1);
	if (fs.n == 1)
		T_EQ_STR(fs.v[0].message,
			 "Previously present reserved range \"[10,max]\" on message \"MS\" is missing values: [536870912,max] were removed.");
	pbt_findings_release(&fs);
out:
	pbt_schema_free(a);
	pbt_schema_free(b);
	pbt_schema_free(c);
}

static void plain_message_max_is_536870911(void)
{
	/* The same numbers without message_set_wire_format: no "max". */
	struct pbt_schema *old = message_set_schema(false, 1, 2, 10, 536870912);
	struct pbt_schema *new = message_set_schema(false, 1, 2, 10, 536870911);
	struct pbt_findings fs;

	T_CHECK(old && new);
	if (!old || !new)
		goto out;
	run_rule("RESERVED_MESSAGE_NO_DELETE", old, new, &fs);
	T_EQ_INT(fs.n, 1);
	if (fs.n == 1)
		T_EQ_STR(fs.v[0].message,
			 "Previously present reserved range \"[10,max]\" on message \"MS\" is missing values: [536870911] were removed.");
	pbt_findings_release(&fs);
out:
	pbt_schema_free(old);
	pbt_schema_free(new);
}

const struct t_case t_rule_message_cases[] = {
	{ "message_set_numbers_go_past_536870911",
	  message_set_numbers_go_past_536870911 },
	{ "message_set_max_is_2147483646", message_set_max_is_2147483646 },
	{ "plain_message_max_is_536870911", plain_message_max_is_536870911 },
	{ NULL, NULL },
};
