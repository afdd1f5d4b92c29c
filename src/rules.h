#ifndef PBT_RULES_H
#define PBT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pbt_cx;

/* Categories; a rule's membership differs by config version. */
enum pbt_category {
	PBT_CAT_FILE = 1 << 0,
	PBT_CAT_PACKAGE = 1 << 1,
	PBT_CAT_WIRE_JSON = 1 << 2,
	PBT_CAT_WIRE = 1 << 3,
	PBT_CAT_CSR = 1 << 4,		/* v2 only */
	PBT_CAT_EXISTS = 1 << 7,	/* the rule exists in this version */
};

/* buf.yaml versions, in the order the table's columns use. */
enum pbt_config_version {
	PBT_V1BETA1,
	PBT_V1,
	PBT_V2,
	PBT_N_VERSIONS,
};

/* What a rule's check function is called on: one pair of matched elements. */
enum pbt_subject {
	PBT_ON_SCHEMA,	/* once; old/new are the schemas */
	PBT_ON_FILE,	/* files matched by path */
	PBT_ON_MESSAGE,	/* messages matched by full name */
	PBT_ON_FIELD,	/* fields by message + number; extensions by extendee + number */
	PBT_ON_ENUM,	/* enums matched by full name */
	PBT_ON_SERVICE,	/* services matched by full name */
	PBT_ON_METHOD,	/* methods by service full name + method name */
};

typedef void pbt_check_fn(struct pbt_cx *cx, const void *old, const void *new);

/*
 * Every rule ID, sorted: one enum constant each (PBT_RULE_FIELD_SAME_NAME),
 * so code that names a rule (lock_check.c) is checked by the compiler, and
 * the table in rules.c is indexed by it (a row per ID, t_rules checks).
 */
#define PBT_FOREACH_RULE(R) \
	R(ENUM_NO_DELETE) \
	R(ENUM_SAME_JSON_FORMAT) \
	R(ENUM_SAME_TYPE) \
	R(ENUM_VALUE_NO_DELETE) \
	R(ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED) \
	R(ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED) \
	R(ENUM_VALUE_SAME_NAME) \
	R(EXTENSION_MESSAGE_NO_DELETE) \
	R(EXTENSION_NO_DELETE) \
	R(FIELD_NO_DELETE) \
	R(FIELD_NO_DELETE_UNLESS_NAME_RESERVED) \
	R(FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED) \
	R(FIELD_SAME_CARDINALITY) \
	R(FIELD_SAME_CPP_STRING_TYPE) \
	R(FIELD_SAME_CTYPE) \
	R(FIELD_SAME_DEFAULT) \
	R(FIELD_SAME_JAVA_UTF8_VALIDATION) \
	R(FIELD_SAME_JSON_NAME) \
	R(FIELD_SAME_JSTYPE) \
	R(FIELD_SAME_LABEL) \
	R(FIELD_SAME_NAME) \
	R(FIELD_SAME_ONEOF) \
	R(FIELD_SAME_TYPE) \
	R(FIELD_SAME_UTF8_VALIDATION) \
	R(FIELD_WIRE_COMPATIBLE_CARDINALITY) \
	R(FIELD_WIRE_COMPATIBLE_TYPE) \
	R(FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY) \
	R(FIELD_WIRE_JSON_COMPATIBLE_TYPE) \
	R(FILE_NO_DELETE) \
	R(FILE_SAME_CC_ENABLE_ARENAS) \
	R(FILE_SAME_CC_GENERIC_SERVICES) \
	R(FILE_SAME_CSHARP_NAMESPACE) \
	R(FILE_SAME_GO_PACKAGE) \
	R(FILE_SAME_JAVA_GENERIC_SERVICES) \
	R(FILE_SAME_JAVA_MULTIPLE_FILES) \
	R(FILE_SAME_JAVA_OUTER_CLASSNAME) \
	R(FILE_SAME_JAVA_PACKAGE) \
	R(FILE_SAME_JAVA_STRING_CHECK_UTF8) \
	R(FILE_SAME_OBJC_CLASS_PREFIX) \
	R(FILE_SAME_OPTIMIZE_FOR) \
	R(FILE_SAME_PACKAGE) \
	R(FILE_SAME_PHP_CLASS_PREFIX) \
	R(FILE_SAME_PHP_GENERIC_SERVICES) \
	R(FILE_SAME_PHP_METADATA_NAMESPACE) \
	R(FILE_SAME_PHP_NAMESPACE) \
	R(FILE_SAME_PY_GENERIC_SERVICES) \
	R(FILE_SAME_RUBY_PACKAGE) \
	R(FILE_SAME_SWIFT_PREFIX) \
	R(FILE_SAME_SYNTAX) \
	R(MESSAGE_NO_DELETE) \
	R(MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR) \
	R(MESSAGE_SAME_JSON_FORMAT) \
	R(MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT) \
	R(MESSAGE_SAME_REQUIRED_FIELDS) \
	R(ONEOF_NO_DELETE) \
	R(PACKAGE_ENUM_NO_DELETE) \
	R(PACKAGE_EXTENSION_NO_DELETE) \
	R(PACKAGE_MESSAGE_NO_DELETE) \
	R(PACKAGE_NO_DELETE) \
	R(PACKAGE_SERVICE_NO_DELETE) \
	R(RESERVED_ENUM_NO_DELETE) \
	R(RESERVED_MESSAGE_NO_DELETE) \
	R(RPC_NO_DELETE) \
	R(RPC_SAME_CLIENT_STREAMING) \
	R(RPC_SAME_IDEMPOTENCY_LEVEL) \
	R(RPC_SAME_REQUEST_TYPE) \
	R(RPC_SAME_RESPONSE_TYPE) \
	R(RPC_SAME_SERVER_STREAMING) \
	R(SERVICE_NO_DELETE)

enum pbt_rule_id {
#define PBT_RULE_ENUM(id) PBT_RULE_##id,
	PBT_FOREACH_RULE(PBT_RULE_ENUM)
#undef PBT_RULE_ENUM
	PBT_N_RULES
};

struct pbt_rule {
	const char *id;
	uint8_t cats[PBT_N_VERSIONS];	/* PBT_CAT_EXISTS | categories; 0 = absent */
	enum pbt_subject subject;
	pbt_check_fn *check;		/* NULL: deprecated, never reports */
	const char *replaced_by;	/* deprecated: space-separated IDs, or NULL */
	const char *purpose;
};

extern const struct pbt_rule pbt_rules[];
extern const size_t pbt_n_rules;

/* The rule with this ID, or NULL. */
const struct pbt_rule *pbt_rule_find(const char *id);
/* The rule of a known ID: pbt_rule_by_id(PBT_RULE_FIELD_SAME_NAME). */
const struct pbt_rule *pbt_rule_by_id(enum pbt_rule_id id);
/* Its index in pbt_rules. */
size_t pbt_rule_index(const struct pbt_rule *r);
bool pbt_rule_exists(const struct pbt_rule *r, enum pbt_config_version v);
bool pbt_rule_is_default(const struct pbt_rule *r, enum pbt_config_version v);
bool pbt_rule_deprecated(const struct pbt_rule *r);

/* Category by name ("FILE", ...) valid in version v; 0 if none. */
unsigned pbt_category_find(const char *name, enum pbt_config_version v);
const char *pbt_category_name(unsigned cat);
/* "FILE, PACKAGE" for a rule in version v (static buffer). */
const char *pbt_rule_categories(const struct pbt_rule *r, enum pbt_config_version v);

/* Check functions, by subject file. */
pbt_check_fn pbt_check_file_no_delete, pbt_check_package_no_delete,
	pbt_check_package_enum_no_delete, pbt_check_package_message_no_delete,
	pbt_check_package_service_no_delete, pbt_check_package_extension_no_delete;
pbt_check_fn pbt_check_enum_no_delete, pbt_check_message_no_delete,
	pbt_check_service_no_delete, pbt_check_extension_no_delete,
	pbt_check_file_same_package, pbt_check_file_same_syntax,
	pbt_check_file_same_cc_enable_arenas, pbt_check_file_same_cc_generic_services,
	pbt_check_file_same_csharp_namespace, pbt_check_file_same_go_package,
	pbt_check_file_same_java_generic_services,
	pbt_check_file_same_java_multiple_files,
	pbt_check_file_same_java_outer_classname, pbt_check_file_same_java_package,
	pbt_check_file_same_objc_class_prefix, pbt_check_file_same_optimize_for,
	pbt_check_file_same_php_class_prefix,
	pbt_check_file_same_php_metadata_namespace,
	pbt_check_file_same_php_namespace, pbt_check_file_same_py_generic_services,
	pbt_check_file_same_ruby_package, pbt_check_file_same_swift_prefix;
pbt_check_fn pbt_check_field_no_delete, pbt_check_field_no_delete_unless_name_reserved,
	pbt_check_field_no_delete_unless_number_reserved,
	pbt_check_extension_message_no_delete, pbt_check_message_no_remove_standard_descriptor_accessor,
	pbt_check_message_same_json_format, pbt_check_message_same_required_fields,
	pbt_check_oneof_no_delete, pbt_check_reserved_message_no_delete;
pbt_check_fn pbt_check_field_same_cardinality, pbt_check_field_same_cpp_string_type,
	pbt_check_field_same_default, pbt_check_field_same_java_utf8_validation,
	pbt_check_field_same_json_name, pbt_check_field_same_jstype,
	pbt_check_field_same_name, pbt_check_field_same_oneof,
	pbt_check_field_same_type, pbt_check_field_same_utf8_validation,
	pbt_check_field_wire_compatible_cardinality,
	pbt_check_field_wire_compatible_type,
	pbt_check_field_wire_json_compatible_cardinality,
	pbt_check_field_wire_json_compatible_type;
pbt_check_fn pbt_check_enum_same_json_format, pbt_check_enum_same_type,
	pbt_check_enum_value_no_delete, pbt_check_enum_value_no_delete_unless_name_reserved,
	pbt_check_enum_value_no_delete_unless_number_reserved,
	pbt_check_enum_value_same_name, pbt_check_reserved_enum_no_delete;
pbt_check_fn pbt_check_rpc_no_delete, pbt_check_rpc_same_client_streaming,
	pbt_check_rpc_same_idempotency_level, pbt_check_rpc_same_request_type,
	pbt_check_rpc_same_response_type, pbt_check_rpc_same_server_streaming;

#endif
