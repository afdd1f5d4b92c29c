#ifndef PBT_FEATURESET_H
#define PBT_FEATURESET_H

#include <stdbool.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

struct pbt_arena;

/* google.protobuf.Edition values. */
enum {
	PBT_EDITION_UNKNOWN = 0,
	PBT_EDITION_LEGACY = 900,
	PBT_EDITION_PROTO2 = 998,
	PBT_EDITION_PROTO3 = 999,
	PBT_EDITION_2023 = 1000,
	PBT_EDITION_2024 = 1001,
};

/* google.protobuf.FeatureSet enum values (0 = unset / unknown). */
enum { PBT_PRESENCE_EXPLICIT = 1, PBT_PRESENCE_IMPLICIT = 2, PBT_PRESENCE_LEGACY_REQUIRED = 3 };
enum { PBT_ENUM_OPEN = 1, PBT_ENUM_CLOSED = 2 };
enum { PBT_REPEATED_PACKED = 1, PBT_REPEATED_EXPANDED = 2 };
enum { PBT_UTF8_VERIFY = 2, PBT_UTF8_NONE = 3 };
enum { PBT_ENCODING_LENGTH_PREFIXED = 1, PBT_ENCODING_DELIMITED = 2 };
enum { PBT_JSON_ALLOW = 1, PBT_JSON_LEGACY_BEST_EFFORT = 2 };
/* pb.CppFeatures.StringType */
enum { PBT_CPP_VIEW = 1, PBT_CPP_CORD = 2, PBT_CPP_STRING = 3 };
/* pb.JavaFeatures.Utf8Validation */
enum { PBT_JAVA_UTF8_DEFAULT = 1, PBT_JAVA_UTF8_VERIFY = 2 };

/*
 * Features set explicitly on one element (its options' `features` field,
 * which the system's descriptor.proto keeps as an unknown field).  0 means
 * not set here.
 */
struct pbt_featset {
	int8_t field_presence;
	int8_t enum_type;
	int8_t repeated_field_encoding;
	int8_t utf8_validation;
	int8_t message_encoding;
	int8_t json_format;
	int8_t cpp_string_type;
	int8_t java_utf8_validation;
};

/* Fully resolved features of an element: every member non-zero. */
struct pbt_features {
	int8_t field_presence;
	int8_t enum_type;
	int8_t repeated_field_encoding;
	int8_t utf8_validation;
	int8_t message_encoding;
	int8_t json_format;
	int8_t cpp_string_type;
	int8_t java_utf8_validation;
};

/* Field numbers of `features` in each options message. */
enum {
	PBT_FEATURES_FILE = 50,
	PBT_FEATURES_MESSAGE = 12,
	PBT_FEATURES_FIELD = 21,
	PBT_FEATURES_ONEOF = 1,
	PBT_FEATURES_ENUM = 7,
	PBT_FEATURES_ENUM_VALUE = 2,
	PBT_FEATURES_SERVICE = 34,
	PBT_FEATURES_METHOD = 35,
};

/*
 * The explicit features in the unknown field `tag` of an options message,
 * unpacked with protobuf-c into `arena`; NULL when there are none (or the
 * bytes do not parse, which a later stage treats as "not set").
 */
const struct pbt_featset *pbt_featset_from_options(struct pbt_arena *arena,
						   const ProtobufCMessage *opts,
						   unsigned tag);

/* The varint value of unknown field `tag` of msg; false if absent. */
bool pbt_unknown_varint(const ProtobufCMessage *msg, unsigned tag,
			uint64_t *value);
/*
 * The payload of length-delimited unknown field `tag` (the last one if
 * repeated); false if absent.
 */
bool pbt_unknown_bytes(const ProtobufCMessage *msg, unsigned tag,
		       const uint8_t **data, size_t *len);

/* The defaults of an edition (EDITION_LEGACY..EDITION_2024). */
struct pbt_features pbt_features_defaults(int edition);
/* Overlay the explicitly set members of fs (may be NULL). */
void pbt_features_apply(struct pbt_features *f, const struct pbt_featset *fs);

const char *pbt_edition_name(int edition);

#endif
