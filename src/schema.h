#ifndef PBT_SCHEMA_H
#define PBT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "google/protobuf/descriptor.pb-c.h"
#include "pbt_ext.pb-c.h"
#include "desc_load.h"
#include "featureset.h"
#include "map.h"

struct pbt_arena;
struct pbt_err;
struct pbt_srcloc;

/*
 * One schema version: a FileDescriptorSet unpacked by protobuf-c plus
 * indexes by full name.  Everything lives in the schema's arena and is
 * freed by pbt_schema_free().  Pointers into a schema never outlive it.
 *
 * Names never carry the leading dot that descriptors use for resolved
 * type names ("a.b.Foo", not ".a.b.Foo").
 */

/* Source info stays raw bytes until needed: see pbt_ext.proto. */
typedef Pbt__Ext__LazyFileDescriptorProto pbt_file_proto;
typedef Pbt__Ext__LazyFileDescriptorSet pbt_file_set;
typedef Google__Protobuf__DescriptorProto pbt_message_proto;
typedef Google__Protobuf__FieldDescriptorProto pbt_field_proto;
typedef Google__Protobuf__OneofDescriptorProto pbt_oneof_proto;
typedef Google__Protobuf__EnumDescriptorProto pbt_enum_proto;
typedef Google__Protobuf__EnumValueDescriptorProto pbt_enum_value_proto;
typedef Google__Protobuf__ServiceDescriptorProto pbt_service_proto;
typedef Google__Protobuf__MethodDescriptorProto pbt_method_proto;

enum pbt_syntax {
	PBT_SYNTAX_PROTO2,
	PBT_SYNTAX_PROTO3,
	PBT_SYNTAX_EDITIONS,
};

struct pbt_schema;
struct pbt_message;
struct pbt_enum;

struct pbt_file {
	const char *name;		/* path inside the set, e.g. "a/b.proto" */
	const char *package;		/* "" when none */
	const pbt_file_proto *fd;
	struct pbt_schema *schema;
	enum pbt_syntax syntax;
	int edition;			/* PBT_EDITION_*: LEGACY for proto2 */
	bool is_import;			/* buf image is_import flag */
	bool syntax_unspecified;	/* no syntax statement (buf image flag) */
	const struct pbt_featset *fs;
	struct pbt_features features;	/* resolved at file level */
	/* Every message/enum/extension of the file, nested ones included, in
	 * declaration (depth-first) order. */
	struct pbt_message **messages;
	size_t n_messages;
	struct pbt_enum **enums;
	size_t n_enums;
	struct pbt_field **extensions;
	size_t n_extensions;
	struct pbt_service *services;
	size_t n_services;
	struct pbt_srcloc *srcloc;	/* built on first location lookup */
	uint32_t index;			/* position in the set */
	/* Where the file is in schema->input: [at, end). */
	size_t at, end;
};

struct pbt_oneof {
	const char *name;
	const pbt_oneof_proto *op;
	struct pbt_message *message;
	uint32_t index;
	bool synthetic;			/* proto3 `optional` */
	const struct pbt_featset *fs;
};

struct pbt_field {
	const pbt_field_proto *fp;
	struct pbt_file *file;
	/*
	 * Regular field: the message that holds it.  Extension: the message
	 * whose body declares the `extend` block, or NULL at file level.
	 */
	struct pbt_message *message;
	const char *name;
	const char *full_name;		/* extensions only: scope.name */
	const char *extendee;		/* extensions only */
	const char *type_name;		/* message/enum/group fields, no dot */
	struct pbt_oneof *oneof;	/* NULL unless in a (real or synthetic) oneof */
	int32_t number;
	uint32_t index;			/* in field[] or extension[] of its scope */
	bool is_extension;
	struct pbt_features features;	/* resolved */
};

struct pbt_message {
	const char *name;
	const char *full_name;		/* "pkg.Outer.Inner" */
	const char *nested_name;	/* "Outer.Inner" */
	const pbt_message_proto *dp;
	struct pbt_file *file;
	struct pbt_message *parent;	/* NULL at top level */
	uint32_t index;			/* in parent's nested_type[] or file's message_type[] */
	uint32_t depth;			/* 0 at top level */
	struct pbt_field *fields;	/* declaration order */
	size_t n_fields;
	struct pbt_field **by_number;	/* fields sorted by number */
	struct pbt_field **by_name;	/* sorted by name (ties: declaration
					 * order); NULL for a few fields */
	struct pbt_oneof *oneofs;
	size_t n_oneofs;
	bool is_map_entry;
	/* Map entries: the map field that declares this entry.  Entries have
	 * no source location of their own; buf reports them at this field. */
	struct pbt_field *map_field;
	const struct pbt_featset *fs;
	struct pbt_features features;
};

struct pbt_enum_value {
	const char *name;
	int32_t number;
	const pbt_enum_value_proto *vp;
	struct pbt_enum *en;
	uint32_t index;
};

struct pbt_enum {
	const char *name;
	const char *full_name;
	const char *nested_name;
	const pbt_enum_proto *ep;
	struct pbt_file *file;
	struct pbt_message *parent;
	uint32_t index;
	struct pbt_enum_value *values;	/* declaration order */
	size_t n_values;
	const struct pbt_featset *fs;
	struct pbt_features features;
};

struct pbt_method {
	const char *name;
	const pbt_method_proto *mp;
	struct pbt_service *service;
	const char *input_type;		/* no dot */
	const char *output_type;
	uint32_t index;
};

struct pbt_service {
	const char *name;
	const char *full_name;
	const pbt_service_proto *sp;
	struct pbt_file *file;
	uint32_t index;
	struct pbt_method *methods;
	size_t n_methods;
};

/* All files of one package, in set order. */
struct pbt_package {
	const char *name;
	struct pbt_file **files;
	size_t n_files;
	size_t cap;
};

struct pbt_schema {
	struct pbt_arena *arena;
	/* The input's bytes (mapped): source info is read from it on demand. */
	struct pbt_mapfile input;
	const char *path;		/* input as the user named it */
	pbt_file_set *fds;
	struct pbt_file *files;
	size_t n_files;
	struct pbt_map files_by_name;	/* -> struct pbt_file */
	struct pbt_map messages;	/* full name -> struct pbt_message */
	struct pbt_map enums;		/* full name -> struct pbt_enum */
	struct pbt_map services;	/* full name -> struct pbt_service */
	struct pbt_map extensions;	/* full name -> struct pbt_field */
	struct pbt_map packages;	/* name -> struct pbt_package */
	struct pbt_package **package_list;	/* in order of first appearance */
	size_t n_packages;
	size_t n_messages, n_fields, n_enums, n_enum_values;
	size_t n_services, n_methods, n_extensions;
};

/*
 * Load one FileDescriptorSet ("-" = stdin).  Everything reachable from the
 * result lives in its arena, and the input stays mapped for the source
 * info; pbt_schema_free() frees it all.  On error returns NULL with err
 * naming the path.
 */
struct pbt_schema *pbt_schema_load(const char *path, struct pbt_err *err);

/* f's json_name, or for a field without one protoc's: drop each '_' and
 * upper-case the letter after it ("total_cents" -> "totalCents"), in a. */
const char *pbt_field_json_name(struct pbt_arena *a, const struct pbt_field *f);
/* The same from bytes already in memory (not retained: what the schema
 * needs of them later, the source info, is copied). */
struct pbt_schema *pbt_schema_from_bytes(const char *path,
					 const unsigned char *data, size_t len,
					 struct pbt_err *err);

/*
 * Choose the files of a set before it is indexed (buf's image filtering:
 * --path, and imports of sets that protoc built from sources).  Called
 * once on the unpacked set: it may remove files from fds->file (keeping
 * the order, and every dependency of a file it keeps) together with the
 * same entries of is_import[], and set is_import[i] for file i of what is
 * left.  A file keeps its own image is_import flag as well.  Leaving no
 * file at all is allowed: the schema is then empty.  Returns 0 or -PBT_E*.
 */
typedef int pbt_schema_select_fn(pbt_file_set *fds,
				 bool *is_import, void *data,
				 struct pbt_err *err);
/* pbt_schema_from_bytes() with select applied before indexing. */
struct pbt_schema *pbt_schema_from_bytes_select(const char *path,
						const unsigned char *data,
						size_t len,
						pbt_schema_select_fn *select,
						void *select_data,
						struct pbt_err *err);
/* pbt_schema_load() with select applied before indexing. */
struct pbt_schema *pbt_schema_load_select(const char *path,
					  pbt_schema_select_fn *select,
					  void *select_data,
					  struct pbt_err *err);
/*
 * A schema of just the files at [ranges[2 i], ranges[2 i + 1]) of in, the
 * input of a schema loaded before (pbt_file.at and .end), for comparing
 * with parts of a version no longer loaded whole (history.c).  in must
 * outlive the result.  The files are not checked again: imports outside
 * them are not looked for.
 */
struct pbt_schema *pbt_schema_from_files(const char *path,
					 const struct pbt_mapfile *in,
					 const size_t *ranges, size_t n,
					 struct pbt_err *err);
/*
 * Move s's input to *out (the caller releases it): what
 * pbt_schema_from_files() needs after pbt_schema_free(s).  s keeps
 * working while *out is not released.
 */
void pbt_schema_detach_input(struct pbt_schema *s, struct pbt_mapfile *out);
/* A schema with no files (an input that holds no .proto files). */
struct pbt_schema *pbt_schema_new_empty(const char *path);
void pbt_schema_free(struct pbt_schema *s);

struct pbt_file *pbt_schema_file(const struct pbt_schema *s, const char *name);
struct pbt_message *pbt_schema_message(const struct pbt_schema *s, const char *full_name);
struct pbt_enum *pbt_schema_enum(const struct pbt_schema *s, const char *full_name);
struct pbt_service *pbt_schema_service(const struct pbt_schema *s, const char *full_name);
struct pbt_package *pbt_schema_package(const struct pbt_schema *s, const char *name);

/* Field with this number in msg, or NULL (binary search). */
struct pbt_field *pbt_message_field(const struct pbt_message *msg, int32_t number);
/* Field with this name in msg, or NULL. */
struct pbt_field *pbt_message_field_by_name(const struct pbt_message *msg, const char *name);

/* The package of a file, or "" (never NULL). */
static inline const char *pbt_file_package(const struct pbt_file *f)
{
	return f->package;
}

/* Source code paths (SourceCodeInfo.Location.path) of elements. */
#define PBT_PATH_MAX 512
struct pbt_path {
	int32_t v[PBT_PATH_MAX];
	size_t n;
	bool overflow;
};
void pbt_path_message(struct pbt_path *p, const struct pbt_message *m);
void pbt_path_field(struct pbt_path *p, const struct pbt_field *f);
void pbt_path_oneof(struct pbt_path *p, const struct pbt_oneof *o);
void pbt_path_enum(struct pbt_path *p, const struct pbt_enum *e);
void pbt_path_enum_value(struct pbt_path *p, const struct pbt_enum_value *v);
void pbt_path_service(struct pbt_path *p, const struct pbt_service *s);
void pbt_path_method(struct pbt_path *p, const struct pbt_method *m);
void pbt_path_push(struct pbt_path *p, int32_t v);

/* Is this a map field (repeated, of a map_entry message type)? */
bool pbt_field_is_map(const struct pbt_field *f);
/* The message type of a message/group field, when it is in the schema. */
struct pbt_message *pbt_field_message_type(const struct pbt_field *f);

#endif
