/*
 * THE rule table: every breaking rule of buf's catalog, one entry each,
 * sorted by ID, with its categories in each buf.yaml version (v1beta1,
 * v1, v2), the element kind its check runs on, and the check.  Deprecated
 * rules have no check and name their replacements.  Each row sits at the
 * index of its enum pbt_rule_id (rules.h), so code names rules by enum
 * constant; t_rules.c keeps the table honest (a row per ID, sorted,
 * unique, counts per version and category).
 */
#include "rules.h"

#include <stdio.h>
#include <string.h>

#define X PBT_CAT_EXISTS
#define F PBT_CAT_FILE
#define P PBT_CAT_PACKAGE
#define WJ PBT_CAT_WIRE_JSON
#define W PBT_CAT_WIRE
#define CSR PBT_CAT_CSR
/* A row at its ID's index: a misspelt ID does not compile. */
#define RULE(id, ...) [PBT_RULE_##id] = { #id, __VA_ARGS__ }

const struct pbt_rule pbt_rules[] = {
	/* id, { v1beta1, v1, v2 }, subject, check, replaced by, purpose */
	RULE(ENUM_NO_DELETE, { X|F, X|F, X|F|CSR }, PBT_ON_FILE,
	  pbt_check_enum_no_delete, NULL,
	  "an enum (top-level or nested) present in a file of the previous image is still in that same file (matched by full name)."),
	RULE(ENUM_SAME_JSON_FORMAT, { X|F|P|WJ, X|F|P|WJ, X|F|P|WJ|CSR }, PBT_ON_ENUM,
	  pbt_check_enum_same_json_format, NULL,
	  "an enum whose resolved json_format feature was ALLOW does not become LEGACY_BEST_EFFORT (the reverse is fine)."),
	RULE(ENUM_SAME_TYPE, { X|F|P, X|F|P, X|F|P }, PBT_ON_ENUM,
	  pbt_check_enum_same_type, NULL,
	  "an enum does not switch between open and closed (proto2 vs proto3 semantics, or the editions enum_type feature)."),
	RULE(ENUM_VALUE_NO_DELETE, { X|F|P, X|F|P, X|F|P|CSR }, PBT_ON_ENUM,
	  pbt_check_enum_value_no_delete, NULL,
	  "no enum value number disappears from an enum."),
	RULE(ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED, { X|WJ, X|WJ, X|WJ|CSR }, PBT_ON_ENUM,
	  pbt_check_enum_value_no_delete_unless_name_reserved, NULL,
	  "a deleted enum value is allowed only if its name is now in reserved."),
	RULE(ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED, { X|WJ|W, X|WJ|W, X|WJ|W|CSR }, PBT_ON_ENUM,
	  pbt_check_enum_value_no_delete_unless_number_reserved, NULL,
	  "a deleted enum value is allowed only if its number is now in a reserved range."),
	RULE(ENUM_VALUE_SAME_NAME, { X|F|P|WJ, X|F|P|WJ, X|F|P|WJ|CSR }, PBT_ON_ENUM,
	  pbt_check_enum_value_same_name, NULL,
	  "the set of names for each enum number keeps all previous names (adding an alias with allow_alias is fine; renaming is not)."),
	RULE(EXTENSION_MESSAGE_NO_DELETE, { X|F|P, X|F|P, X|F|P|CSR }, PBT_ON_MESSAGE,
	  pbt_check_extension_message_no_delete, NULL,
	  "extension ranges (extensions 100 to 199;) are not removed from a message (one finding per removed range)."),
	RULE(EXTENSION_NO_DELETE, { 0, 0, X|F }, PBT_ON_FILE,
	  pbt_check_extension_no_delete, NULL,
	  "an extension (extend field, top-level or nested) present in a file is still declared in that file."),
	RULE(FIELD_NO_DELETE, { X|F|P, X|F|P, X|F|P|CSR }, PBT_ON_MESSAGE,
	  pbt_check_field_no_delete, NULL,
	  "no field number disappears from a message (matched by message full name + field number)."),
	RULE(FIELD_NO_DELETE_UNLESS_NAME_RESERVED, { X|WJ, X|WJ, X|WJ|CSR }, PBT_ON_MESSAGE,
	  pbt_check_field_no_delete_unless_name_reserved, NULL,
	  "a deleted field is allowed only if its name is now reserved."),
	RULE(FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED, { X|WJ|W, X|WJ|W, X|WJ|W|CSR }, PBT_ON_MESSAGE,
	  pbt_check_field_no_delete_unless_number_reserved, NULL,
	  "a deleted field is allowed only if its number is now reserved."),
	RULE(FIELD_SAME_CARDINALITY, { X|F|P|WJ|W, X|F|P, X|F|P }, PBT_ON_FIELD,
	  pbt_check_field_same_cardinality, NULL,
	  "a field keeps its exact cardinality: optional-explicit-presence, optional-implicit-presence, required, repeated, or map."),
	RULE(FIELD_SAME_CPP_STRING_TYPE, { X|F|P, X|F|P, X|F|P }, PBT_ON_FIELD,
	  pbt_check_field_same_cpp_string_type, NULL,
	  "a string/bytes field keeps its C++ string type (ctype option or the (pb.cpp).string_type feature, resolved)."),
	RULE(FIELD_SAME_CTYPE, { X, X, 0 }, PBT_ON_SCHEMA,
	  NULL, "FIELD_SAME_CPP_STRING_TYPE",
	  "deprecated; replaced by FIELD_SAME_CPP_STRING_TYPE (configuring it runs the replacement and reports under the replacement ID)."),
	RULE(FIELD_SAME_DEFAULT, { 0, 0, X|F|P|WJ|W|CSR }, PBT_ON_FIELD,
	  pbt_check_field_same_default, NULL,
	  "a singular non-message field keeps its effective default (explicit default=, else zero / first enum value); skipped when both are zero; numeric kinds compared by value, string vs bytes by content."),
	RULE(FIELD_SAME_JAVA_UTF8_VALIDATION, { X|F|P, X|F|P, X|F|P }, PBT_ON_FIELD,
	  pbt_check_field_same_java_utf8_validation, NULL,
	  "a string field keeps its Java UTF-8 checking (java_string_check_utf8 file option or (pb.java).utf8_validation feature)."),
	RULE(FIELD_SAME_JSON_NAME, { X|F|P|WJ, X|F|P|WJ, X|F|P|WJ|CSR }, PBT_ON_FIELD,
	  pbt_check_field_same_json_name, NULL,
	  "a (non-extension) field keeps its json_name (explicit or the one protoc computes from the name)."),
	RULE(FIELD_SAME_JSTYPE, { X|F|P, X|F|P, X|F|P }, PBT_ON_FIELD,
	  pbt_check_field_same_jstype, NULL,
	  "a field keeps its jstype option."),
	RULE(FIELD_SAME_LABEL, { X, X, 0 }, PBT_ON_SCHEMA,
	  NULL, "FIELD_SAME_CARDINALITY FIELD_WIRE_COMPATIBLE_CARDINALITY FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
	  "deprecated; replaced by FIELD_SAME_CARDINALITY, FIELD_WIRE_COMPATIBLE_CARDINALITY and FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY (all three run)."),
	RULE(FIELD_SAME_NAME, { X|F|P|WJ, X|F|P|WJ, X|F|P|WJ|CSR }, PBT_ON_FIELD,
	  pbt_check_field_same_name, NULL,
	  "a field number keeps its name (extensions: their full name)."),
	RULE(FIELD_SAME_ONEOF, { X|F|P|WJ|W, X|F|P|WJ|W, X|F|P|WJ|W|CSR }, PBT_ON_FIELD,
	  pbt_check_field_same_oneof, NULL,
	  "a field does not move into, out of, or between oneofs (proto3 optional counts: it is a synthetic oneof)."),
	RULE(FIELD_SAME_TYPE, { X|F|P|WJ|W, X|F|P, X|F|P|CSR }, PBT_ON_FIELD,
	  pbt_check_field_same_type, NULL,
	  "a field keeps its exact type; for enum/message/group fields the same fully-qualified type name."),
	RULE(FIELD_SAME_UTF8_VALIDATION, { X|F|P, X|F|P, X|F|P }, PBT_ON_FIELD,
	  pbt_check_field_same_utf8_validation, NULL,
	  "a string field keeps its resolved utf8_validation feature (VERIFY vs NONE)."),
	RULE(FIELD_WIRE_COMPATIBLE_CARDINALITY, { X|W, X|W, X|W }, PBT_ON_FIELD,
	  pbt_check_field_wire_compatible_cardinality, NULL,
	  "cardinality changes only within a wire-compatible group: {optional explicit, optional implicit}, {required}, {repeated, map}."),
	RULE(FIELD_WIRE_COMPATIBLE_TYPE, { 0, X|W, X|W }, PBT_ON_FIELD,
	  pbt_check_field_wire_compatible_type, NULL,
	  "type changes only within a wire group: {int32,int64,uint32,uint64,bool} {sint32,sint64} {fixed32,sfixed32} {fixed64,sfixed64}; string->bytes allowed (not back); an enum field may change enum only to one with the same short name holding all previous values; message/group fields keep the type name; group vs delimited/length-prefixed message differ."),
	RULE(FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY, { X|WJ, X|WJ, X|WJ|CSR }, PBT_ON_FIELD,
	  pbt_check_field_wire_json_compatible_cardinality, NULL,
	  "like FIELD_WIRE_COMPATIBLE_CARDINALITY but repeated<->map is also breaking (different JSON)."),
	RULE(FIELD_WIRE_JSON_COMPATIBLE_TYPE, { 0, X|WJ, X|WJ|CSR }, PBT_ON_FIELD,
	  pbt_check_field_wire_json_compatible_type, NULL,
	  "type changes only within wire+JSON groups: {int32,uint32} {int64,uint64} {fixed32,sfixed32} {fixed64,sfixed64}; everything else (incl. string<->bytes, bool) must stay; enum rule as for WIRE."),
	RULE(FILE_NO_DELETE, { X|F, X|F, X|F|CSR }, PBT_ON_SCHEMA,
	  pbt_check_file_no_delete, NULL,
	  "no file path present in the previous image is missing (finding has no path: it is printed as <input>)."),
	RULE(FILE_SAME_CC_ENABLE_ARENAS, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_cc_enable_arenas, NULL,
	  "file option cc_enable_arenas unchanged."),
	RULE(FILE_SAME_CC_GENERIC_SERVICES, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_cc_generic_services, NULL,
	  "file option cc_generic_services unchanged."),
	RULE(FILE_SAME_CSHARP_NAMESPACE, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_csharp_namespace, NULL,
	  "file option csharp_namespace unchanged."),
	RULE(FILE_SAME_GO_PACKAGE, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_go_package, NULL,
	  "file option go_package unchanged."),
	RULE(FILE_SAME_JAVA_GENERIC_SERVICES, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_java_generic_services, NULL,
	  "file option java_generic_services unchanged."),
	RULE(FILE_SAME_JAVA_MULTIPLE_FILES, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_java_multiple_files, NULL,
	  "file option java_multiple_files unchanged (unset == false)."),
	RULE(FILE_SAME_JAVA_OUTER_CLASSNAME, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_java_outer_classname, NULL,
	  "file option java_outer_classname unchanged."),
	RULE(FILE_SAME_JAVA_PACKAGE, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_java_package, NULL,
	  "file option java_package unchanged."),
	RULE(FILE_SAME_JAVA_STRING_CHECK_UTF8, { X, X, 0 }, PBT_ON_SCHEMA,
	  NULL, "FIELD_SAME_JAVA_UTF8_VALIDATION",
	  "deprecated; replaced by FIELD_SAME_JAVA_UTF8_VALIDATION."),
	RULE(FILE_SAME_OBJC_CLASS_PREFIX, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_objc_class_prefix, NULL,
	  "file option objc_class_prefix unchanged."),
	RULE(FILE_SAME_OPTIMIZE_FOR, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_optimize_for, NULL,
	  "file option optimize_for unchanged (unset == SPEED)."),
	RULE(FILE_SAME_PACKAGE, { X|F, X|F|P|WJ|W, X|F|P|WJ|W|CSR }, PBT_ON_FILE,
	  pbt_check_file_same_package, NULL,
	  "a file keeps its package."),
	RULE(FILE_SAME_PHP_CLASS_PREFIX, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_php_class_prefix, NULL,
	  "file option php_class_prefix unchanged."),
	RULE(FILE_SAME_PHP_GENERIC_SERVICES, { X, X, 0 }, PBT_ON_SCHEMA,
	  NULL, NULL,
	  "deprecated, no replacement, never reports (the option was removed from descriptor.proto)."),
	RULE(FILE_SAME_PHP_METADATA_NAMESPACE, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_php_metadata_namespace, NULL,
	  "file option php_metadata_namespace unchanged."),
	RULE(FILE_SAME_PHP_NAMESPACE, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_php_namespace, NULL,
	  "file option php_namespace unchanged."),
	RULE(FILE_SAME_PY_GENERIC_SERVICES, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_py_generic_services, NULL,
	  "file option py_generic_services unchanged."),
	RULE(FILE_SAME_RUBY_PACKAGE, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_ruby_package, NULL,
	  "file option ruby_package unchanged."),
	RULE(FILE_SAME_SWIFT_PREFIX, { X|F|P, X|F|P, X|F|P }, PBT_ON_FILE,
	  pbt_check_file_same_swift_prefix, NULL,
	  "file option swift_prefix unchanged."),
	RULE(FILE_SAME_SYNTAX, { X|F|P, X|F|P, X|F|P|CSR }, PBT_ON_FILE,
	  pbt_check_file_same_syntax, NULL,
	  "a file keeps its syntax (proto2/proto3/editions; a missing syntax statement counts as proto2)."),
	RULE(MESSAGE_NO_DELETE, { X|F, X|F, X|F|CSR }, PBT_ON_FILE,
	  pbt_check_message_no_delete, NULL,
	  "a message (top-level or nested) present in a file is still in that file."),
	RULE(MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR, { X|F|P, X|F|P, X|F|P|CSR }, PBT_ON_MESSAGE,
	  pbt_check_message_no_remove_standard_descriptor_accessor, NULL,
	  "message option no_standard_descriptor_accessor does not go from false/unset to true."),
	RULE(MESSAGE_SAME_JSON_FORMAT, { X|F|P|WJ, X|F|P|WJ, X|F|P|WJ|CSR }, PBT_ON_MESSAGE,
	  pbt_check_message_same_json_format, NULL,
	  "a message whose resolved json_format feature was ALLOW does not become LEGACY_BEST_EFFORT."),
	RULE(MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT, { X, X, X }, PBT_ON_SCHEMA,
	  NULL, NULL,
	  "deprecated, no replacement, never reports (message_set_wire_format)."),
	RULE(MESSAGE_SAME_REQUIRED_FIELDS, { X|F|P|WJ|W, X|F|P|WJ|W, X|F|P|WJ|W|CSR }, PBT_ON_MESSAGE,
	  pbt_check_message_same_required_fields, NULL,
	  "no required field (descriptor label REQUIRED: proto2 required; editions LEGACY_REQUIRED does not count) is added to or removed from a message; finding on the message (deleted) or the new field (added)."),
	RULE(ONEOF_NO_DELETE, { X|F|P, X|F|P, X|F|P|CSR }, PBT_ON_MESSAGE,
	  pbt_check_oneof_no_delete, NULL,
	  "no oneof (including proto3-optional synthetic oneofs) is removed from a message."),
	RULE(PACKAGE_ENUM_NO_DELETE, { X|P, X|P, X|P }, PBT_ON_SCHEMA,
	  pbt_check_package_enum_no_delete, NULL,
	  "an enum still exists somewhere in its package (moving it between files of the package is fine)."),
	RULE(PACKAGE_EXTENSION_NO_DELETE, { 0, 0, X|P }, PBT_ON_SCHEMA,
	  pbt_check_package_extension_no_delete, NULL,
	  "an extension still exists somewhere in its package."),
	RULE(PACKAGE_MESSAGE_NO_DELETE, { X|P, X|P, X|P }, PBT_ON_SCHEMA,
	  pbt_check_package_message_no_delete, NULL,
	  "a message still exists somewhere in its package."),
	RULE(PACKAGE_NO_DELETE, { X|P, X|P, X|P }, PBT_ON_SCHEMA,
	  pbt_check_package_no_delete, NULL,
	  "a package present in the previous image still has at least one file (finding has no path)."),
	RULE(PACKAGE_SERVICE_NO_DELETE, { X|P, X|P, X|P }, PBT_ON_SCHEMA,
	  pbt_check_package_service_no_delete, NULL,
	  "a service still exists somewhere in its package."),
	RULE(RESERVED_ENUM_NO_DELETE, { X|F|P|WJ|W, X|F|P|WJ|W, X|F|P|WJ|W|CSR }, PBT_ON_ENUM,
	  pbt_check_reserved_enum_no_delete, NULL,
	  "reserved ranges and reserved names of an enum are not removed."),
	RULE(RESERVED_MESSAGE_NO_DELETE, { X|F|P|WJ|W, X|F|P|WJ|W, X|F|P|WJ|W|CSR }, PBT_ON_MESSAGE,
	  pbt_check_reserved_message_no_delete, NULL,
	  "reserved ranges and reserved names of a message are not removed."),
	RULE(RPC_NO_DELETE, { X|F|P, X|F|P, X|F|P }, PBT_ON_SERVICE,
	  pbt_check_rpc_no_delete, NULL,
	  "no method is removed from a service."),
	RULE(RPC_SAME_CLIENT_STREAMING, { X|F|P|WJ|W, X|F|P|WJ|W, X|F|P|WJ|W|CSR }, PBT_ON_METHOD,
	  pbt_check_rpc_same_client_streaming, NULL,
	  "a method keeps its client-streaming flag."),
	RULE(RPC_SAME_IDEMPOTENCY_LEVEL, { X|F|P|WJ|W, X|F|P|WJ|W, X|F|P|WJ|W|CSR }, PBT_ON_METHOD,
	  pbt_check_rpc_same_idempotency_level, NULL,
	  "a method keeps its idempotency_level option."),
	RULE(RPC_SAME_REQUEST_TYPE, { X|F|P|WJ|W, X|F|P|WJ|W, X|F|P|WJ|W|CSR }, PBT_ON_METHOD,
	  pbt_check_rpc_same_request_type, NULL,
	  "a method keeps its request (input) type."),
	RULE(RPC_SAME_RESPONSE_TYPE, { X|F|P|WJ|W, X|F|P|WJ|W, X|F|P|WJ|W|CSR }, PBT_ON_METHOD,
	  pbt_check_rpc_same_response_type, NULL,
	  "a method keeps its response (output) type."),
	RULE(RPC_SAME_SERVER_STREAMING, { X|F|P|WJ|W, X|F|P|WJ|W, X|F|P|WJ|W|CSR }, PBT_ON_METHOD,
	  pbt_check_rpc_same_server_streaming, NULL,
	  "a method keeps its server-streaming flag."),
	RULE(SERVICE_NO_DELETE, { X|F, X|F, X|F }, PBT_ON_FILE,
	  pbt_check_service_no_delete, NULL,
	  "a service present in a file is still in that file."),
};

#undef X
#undef F
#undef P
#undef WJ
#undef W
#undef CSR
#undef RULE

_Static_assert(sizeof(pbt_rules) / sizeof(pbt_rules[0]) == PBT_N_RULES,
	       "a rule in PBT_FOREACH_RULE has no row in pbt_rules");

const size_t pbt_n_rules = sizeof(pbt_rules) / sizeof(pbt_rules[0]);

const struct pbt_rule *pbt_rule_by_id(enum pbt_rule_id id)
{
	return &pbt_rules[id];
}

const struct pbt_rule *pbt_rule_find(const char *id)
{
	size_t lo = 0, hi = pbt_n_rules;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, pbt_rules[mid].id);

		if (!c)
			return &pbt_rules[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t pbt_rule_index(const struct pbt_rule *r)
{
	return (size_t)(r - pbt_rules);
}

bool pbt_rule_exists(const struct pbt_rule *r, enum pbt_config_version v)
{
	return r->cats[v] & PBT_CAT_EXISTS;
}

bool pbt_rule_is_default(const struct pbt_rule *r, enum pbt_config_version v)
{
	/* buf's defaults are exactly the FILE category in every version. */
	return r->cats[v] & PBT_CAT_FILE;
}

bool pbt_rule_deprecated(const struct pbt_rule *r)
{
	return !r->check;
}

static const struct {
	const char *name;
	unsigned cat;
} categories[] = {
	{ "FILE", PBT_CAT_FILE },
	{ "PACKAGE", PBT_CAT_PACKAGE },
	{ "WIRE_JSON", PBT_CAT_WIRE_JSON },
	{ "WIRE", PBT_CAT_WIRE },
	{ "CSR", PBT_CAT_CSR },
};

unsigned pbt_category_find(const char *name, enum pbt_config_version v)
{
	size_t i;

	for (i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
		if (!strcmp(name, categories[i].name)) {
			if (categories[i].cat == PBT_CAT_CSR && v != PBT_V2)
				return 0;
			return categories[i].cat;
		}
	return 0;
}

const char *pbt_category_name(unsigned cat)
{
	size_t i;

	for (i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
		if (categories[i].cat == cat)
			return categories[i].name;
	return "?";
}

const char *pbt_rule_categories(const struct pbt_rule *r, enum pbt_config_version v)
{
	static char buf[64];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
		if (r->cats[v] & categories[i].cat)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
					      n ? ", " : "", categories[i].name);
	return buf;
}
