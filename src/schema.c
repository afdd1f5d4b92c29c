/*
 * Index one schema version: turn the protobuf-c descriptor tree into
 * files, messages, fields, enums, services and extensions with full names,
 * parents, resolved editions features and by-name maps.  Comparison and
 * source locations are left to compat.c and srcloc.c.
 */
#include "schema.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "desc_load.h"
#include "err.h"
#include "pbt_ext.pb-c.h"

/* Deeper nesting than this is refused: protoc stops far earlier. */
#define MAX_DEPTH 200
/* 2^29 - 1: field numbers take 29 bits of a tag. */
#define MAX_FIELD_NUMBER 536870911

struct builder {
	struct pbt_schema *s;
	struct pbt_arena *a;
	struct pbt_err *err;
	struct pbt_loc loc;
};

static const char *strip_dot(const char *name)
{
	if (!name)
		return NULL;
	return name[0] == '.' ? name + 1 : name;
}

static const char *join(struct pbt_arena *a, const char *scope, const char *name)
{
	size_t ns, nn;
	char *p;

	if (!scope || !*scope)
		return name;
	ns = strlen(scope);
	nn = strlen(name);
	p = pbt_arena_alloc(a, ns + nn + 2);
	memcpy(p, scope, ns);
	p[ns] = '.';
	memcpy(p + ns + 1, name, nn + 1);
	return p;
}

/* protoc never writes an empty name; the lock (lock.c) cannot record one. */
static int no_name(struct builder *b, const char *kind, const char *scope)
{
	return pbt_errf(b->err, PBT_EINPUT, &b->loc,
			"%s with an empty name in '%s'", kind, scope);
}

/*
 * protoc writes a type (1..18) and a label (1..3) for every field.  A set
 * with another number would reach the rules as "unknown" and a lock as
 * some other type, so it is refused.
 */
static int check_type(struct builder *b, const struct pbt_field *f,
		      const char *scope)
{
	const pbt_field_proto *fp = f->fp;

	/* descriptor.proto: with a type_name, the type "need not be set" */
	if (fp->has_type ? fp->type < 1 || fp->type > 18 : !f->type_name)
		return pbt_errf(b->err, PBT_EINPUT, &b->loc,
				"field '%s' of '%s' has type %d, which is not a protobuf type",
				f->name, scope, fp->has_type ? (int)fp->type : 0);
	if (fp->has_label && (fp->label < 1 || fp->label > 3))
		return pbt_errf(b->err, PBT_EINPUT, &b->loc,
				"field '%s' of '%s' has label %d, which is not a protobuf label",
				f->name, scope, (int)fp->label);
	return 0;
}

static int dup_name(struct builder *b, const char *kind, const char *name)
{
	return pbt_errf(b->err, PBT_EINPUT, &b->loc,
			"%s '%s' is defined twice", kind, name);
}

/* ---------------------------------------------------------------- counting */

static void count_message(const pbt_message_proto *dp, size_t *msgs,
			  size_t *enums, size_t *exts)
{
	size_t i;

	(*msgs)++;
	*enums += dp->n_enum_type;
	*exts += dp->n_extension;
	for (i = 0; i < dp->n_nested_type; i++)
		count_message(dp->nested_type[i], msgs, enums, exts);
}

/* ---------------------------------------------------------------- fields */

static void init_field(struct builder *b, struct pbt_field *f,
		       const pbt_field_proto *fp, struct pbt_file *file,
		       struct pbt_message *msg, uint32_t index, bool ext,
		       const struct pbt_features *parent)
{
	f->fp = fp;
	f->file = file;
	f->message = msg;
	f->name = fp->name ? fp->name : "";
	f->number = fp->has_number ? fp->number : 0;
	f->index = index;
	f->is_extension = ext;
	f->type_name = strip_dot(fp->type_name);
	f->features = *parent;
	if (fp->options)
		pbt_features_apply(&f->features,
			pbt_featset_from_options(b->a, &fp->options->base,
						 PBT_FEATURES_FIELD));
	if (ext) {
		f->extendee = strip_dot(fp->extendee);
		if (!f->extendee)
			f->extendee = "";
		f->full_name = join(b->a, msg ? msg->full_name : file->package,
				    f->name);
	}
}

static int cmp_field_name(const void *x, const void *y)
{
	const struct pbt_field *a = *(struct pbt_field *const *)x;
	const struct pbt_field *b = *(struct pbt_field *const *)y;
	int c = strcmp(a->name, b->name);

	return c ? c : (a->index > b->index) - (a->index < b->index);
}

static int cmp_field_number(const void *x, const void *y)
{
	const struct pbt_field *a = *(struct pbt_field *const *)x;
	const struct pbt_field *b = *(struct pbt_field *const *)y;

	return (a->number > b->number) - (a->number < b->number);
}

/*
 * What protoc's DescriptorPool refuses and a hostile set may still hold:
 * numbers outside 1..2^29-1, a oneof_index past the oneofs, one number
 * used twice.  Every later stage pairs fields by number and a lock
 * records the numbers (and refuses to read back such a number), so such a
 * set is refused here.  One name used twice is not: the sets lock_check.c
 * builds from a lock's history may reuse a name, and pairing by number
 * keeps such a set comparable with itself.
 */
static int check_fields(struct builder *b, struct pbt_message *m)
{
	size_t i;

	for (i = 0; i < m->n_oneofs; i++)
		if (!*m->oneofs[i].name)
			return no_name(b, "oneof", m->full_name);
	for (i = 0; i < m->n_fields; i++) {
		const struct pbt_field *f = &m->fields[i];
		int r;

		if (!*f->name)
			return no_name(b, "field", m->full_name);
		r = check_type(b, f, m->full_name);
		if (r)
			return r;
		if (f->number < 1 || f->number > MAX_FIELD_NUMBER)
			return pbt_errf(b->err, PBT_EINPUT, &b->loc,
					"field '%s' of '%s' has number %d (field numbers are 1 to %d)",
					f->name, m->full_name, (int)f->number,
					MAX_FIELD_NUMBER);
		if (f->fp->has_oneof_index && !f->oneof)
			return pbt_errf(b->err, PBT_EINPUT, &b->loc,
					"field '%s' of '%s' is in oneof %d, but the message has %zu",
					f->name, m->full_name, (int)f->fp->oneof_index,
					m->n_oneofs);
		if (i && m->by_number[i - 1]->number == m->by_number[i]->number)
			return pbt_errf(b->err, PBT_EINPUT, &b->loc,
					"fields '%s' and '%s' of '%s' have the same number %d",
					m->by_number[i - 1]->name, m->by_number[i]->name,
					m->full_name, (int)m->by_number[i]->number);
	}
	return 0;
}

static int index_fields(struct builder *b, struct pbt_message *m)
{
	const pbt_message_proto *dp = m->dp;
	bool sorted = true;
	size_t i;

	m->n_oneofs = dp->n_oneof_decl;
	m->oneofs = pbt_arena_calloc(b->a, m->n_oneofs, sizeof(*m->oneofs));
	for (i = 0; i < m->n_oneofs; i++) {
		struct pbt_oneof *o = &m->oneofs[i];

		o->op = dp->oneof_decl[i];
		o->name = o->op->name ? o->op->name : "";
		o->message = m;
		o->index = (uint32_t)i;
		o->synthetic = true;	/* cleared below by any non-proto3-optional member */
		o->fs = o->op->options ?
			pbt_featset_from_options(b->a, &o->op->options->base,
						 PBT_FEATURES_ONEOF) : NULL;
	}
	m->n_fields = dp->n_field;
	m->fields = pbt_arena_calloc(b->a, m->n_fields, sizeof(*m->fields));
	m->by_number = pbt_arena_calloc(b->a, m->n_fields, sizeof(*m->by_number));
	for (i = 0; i < m->n_fields; i++) {
		const pbt_field_proto *fp = dp->field[i];
		struct pbt_field *f = &m->fields[i];
		struct pbt_features parent = m->features;

		if (fp->has_oneof_index && fp->oneof_index >= 0 &&
		    (size_t)fp->oneof_index < m->n_oneofs) {
			struct pbt_oneof *o = &m->oneofs[fp->oneof_index];

			pbt_features_apply(&parent, o->fs);
			if (!(fp->has_proto3_optional && fp->proto3_optional))
				o->synthetic = false;
			init_field(b, f, fp, m->file, m, (uint32_t)i, false, &parent);
			f->oneof = o;
		} else {
			init_field(b, f, fp, m->file, m, (uint32_t)i, false, &parent);
		}
		m->by_number[i] = f;
		if (i && m->by_number[i - 1]->number > f->number)
			sorted = false;
	}
	/* A oneof with no members is not synthetic.  One pass over the
	 * fields: a message may have 100,000 of each. */
	if (m->n_oneofs) {
		bool *any = pbt_arena_calloc(b->a, m->n_oneofs, sizeof(*any));

		for (i = 0; i < m->n_fields; i++)
			if (m->fields[i].oneof)
				any[m->fields[i].oneof->index] = true;
		for (i = 0; i < m->n_oneofs; i++)
			if (!any[i])
				m->oneofs[i].synthetic = false;
	}
	if (!sorted)
		qsort(m->by_number, m->n_fields, sizeof(*m->by_number),
		      cmp_field_number);
	/* Lookups by name bisect when scanning would cost: a message may
	 * have 100,000 fields, and ddl looks each one up by name. */
	if (m->n_fields > 8) {
		m->by_name = pbt_arena_calloc(b->a, m->n_fields, sizeof(*m->by_name));
		for (i = 0; i < m->n_fields; i++)
			m->by_name[i] = &m->fields[i];
		qsort(m->by_name, m->n_fields, sizeof(*m->by_name), cmp_field_name);
	}
	b->s->n_fields += m->n_fields;
	return check_fields(b, m);
}

/* ---------------------------------------------------------------- enums */

static int add_enum(struct builder *b, struct pbt_file *file,
		    struct pbt_message *parent, const pbt_enum_proto *ep,
		    uint32_t index)
{
	struct pbt_enum *e = pbt_arena_zalloc(b->a, sizeof(*e));
	size_t i;

	e->ep = ep;
	e->name = ep->name ? ep->name : "";
	if (!*e->name)
		return no_name(b, "enum", parent ? parent->full_name : file->name);
	e->file = file;
	e->parent = parent;
	e->index = index;
	e->nested_name = parent ? join(b->a, parent->nested_name, e->name) : e->name;
	e->full_name = join(b->a, file->package, e->nested_name);
	e->fs = ep->options ? pbt_featset_from_options(b->a, &ep->options->base,
						       PBT_FEATURES_ENUM) : NULL;
	e->features = parent ? parent->features : file->features;
	pbt_features_apply(&e->features, e->fs);
	e->n_values = ep->n_value;
	e->values = pbt_arena_calloc(b->a, e->n_values, sizeof(*e->values));
	for (i = 0; i < e->n_values; i++) {
		struct pbt_enum_value *v = &e->values[i];

		v->vp = ep->value[i];
		v->name = v->vp->name ? v->vp->name : "";
		if (!*v->name)
			return no_name(b, "enum value", e->full_name);
		v->number = v->vp->has_number ? v->vp->number : 0;
		v->en = e;
		v->index = (uint32_t)i;
	}
	b->s->n_enum_values += e->n_values;
	if (pbt_map_put(&b->s->enums, e->full_name, e))
		return dup_name(b, "enum", e->full_name);
	file->enums[file->n_enums++] = e;
	return 0;
}

/* ---------------------------------------------------------------- messages */

static int add_extension(struct builder *b, struct pbt_file *file,
			 struct pbt_message *scope, const pbt_field_proto *fp,
			 uint32_t index)
{
	struct pbt_field *f = pbt_arena_zalloc(b->a, sizeof(*f));
	const struct pbt_features *parent = scope ? &scope->features : &file->features;

	init_field(b, f, fp, file, scope, index, true, parent);
	if (!*f->name)
		return no_name(b, "extension", scope ? scope->full_name : file->name);
	if (check_type(b, f, f->extendee))
		return -PBT_EINPUT;
	/* Up to INT32_MAX: MessageSet extensions may go past 2^29-1. */
	if (f->number < 1)
		return pbt_errf(b->err, PBT_EINPUT, &b->loc,
				"extension '%s' has number %d (numbers start at 1)",
				f->full_name, (int)f->number);
	if (pbt_map_put(&b->s->extensions, f->full_name, f))
		return dup_name(b, "extension", f->full_name);
	file->extensions[file->n_extensions++] = f;
	return 0;
}

static int add_message(struct builder *b, struct pbt_file *file,
		       struct pbt_message *parent, const pbt_message_proto *dp,
		       uint32_t index)
{
	struct pbt_message *m = pbt_arena_zalloc(b->a, sizeof(*m));
	size_t i;
	int r;

	m->dp = dp;
	m->name = dp->name ? dp->name : "";
	if (!*m->name)
		return no_name(b, "message", parent ? parent->full_name : file->name);
	m->file = file;
	m->parent = parent;
	m->index = index;
	m->depth = parent ? parent->depth + 1 : 0;
	if (m->depth > MAX_DEPTH)
		return pbt_errf(b->err, PBT_EINPUT, &b->loc,
				"'%s': messages nested more than %d levels deep",
				file->name, MAX_DEPTH);
	m->nested_name = parent ? join(b->a, parent->nested_name, m->name) : m->name;
	m->full_name = join(b->a, file->package, m->nested_name);
	m->is_map_entry = dp->options && dp->options->has_map_entry &&
			  dp->options->map_entry;
	if (m->is_map_entry && parent) {
		size_t j;

		for (j = 0; j < parent->n_fields && !m->map_field; j++)
			if (parent->fields[j].type_name &&
			    !strcmp(parent->fields[j].type_name, m->full_name))
				m->map_field = &parent->fields[j];
	}
	m->fs = dp->options ? pbt_featset_from_options(b->a, &dp->options->base,
						       PBT_FEATURES_MESSAGE) : NULL;
	/* A map entry inherits its features from the map field (protobuf's
	 * editions rule), not from the message around it. */
	m->features = m->map_field ? m->map_field->features :
		      parent ? parent->features : file->features;
	pbt_features_apply(&m->features, m->fs);
	if (pbt_map_put(&b->s->messages, m->full_name, m))
		return dup_name(b, "message", m->full_name);
	file->messages[file->n_messages++] = m;
	b->s->n_messages++;
	r = index_fields(b, m);
	if (r)
		return r;
	for (i = 0; i < dp->n_enum_type; i++) {
		r = add_enum(b, file, m, dp->enum_type[i], (uint32_t)i);
		if (r)
			return r;
	}
	for (i = 0; i < dp->n_extension; i++) {
		r = add_extension(b, file, m, dp->extension[i], (uint32_t)i);
		if (r)
			return r;
	}
	for (i = 0; i < dp->n_nested_type; i++) {
		r = add_message(b, file, m, dp->nested_type[i], (uint32_t)i);
		if (r)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------------------- files */

static void file_syntax(struct builder *b, struct pbt_file *f)
{
	const pbt_file_proto *fd = f->fd;
	const char *syn = fd->syntax;
	uint64_t ed;
	const uint8_t *data;
	size_t len;

	if (!syn || !*syn || !strcmp(syn, "proto2")) {
		f->syntax = PBT_SYNTAX_PROTO2;
		f->edition = PBT_EDITION_PROTO2;
	} else if (!strcmp(syn, "proto3")) {
		f->syntax = PBT_SYNTAX_PROTO3;
		f->edition = PBT_EDITION_PROTO3;
	} else {
		/* "editions": the edition is field 14 (an enum), or in
		 * descriptors from protobuf 22-24, the string field 13. */
		f->syntax = PBT_SYNTAX_EDITIONS;
		f->edition = PBT_EDITION_2023;
		if (pbt_unknown_varint(&fd->base, 14, &ed) && ed > 0 && ed < 0x7fffffff)
			f->edition = (int)ed;
		else if (pbt_unknown_bytes(&fd->base, 13, &data, &len) && len == 4 &&
			 !memcmp(data, "2024", 4))
			f->edition = PBT_EDITION_2024;
	}
	if (pbt_unknown_bytes(&fd->base, 8042, &data, &len)) {
		Pbt__Ext__ImageFileExtension *x;

		x = pbt__ext__image_file_extension__unpack(NULL, len, data);
		if (x) {
			f->is_import = x->has_is_import && x->is_import;
			f->syntax_unspecified = x->has_is_syntax_unspecified &&
						x->is_syntax_unspecified;
			pbt__ext__image_file_extension__free_unpacked(x, NULL);
		}
	}
	f->fs = fd->options ? pbt_featset_from_options(b->a, &fd->options->base,
						       PBT_FEATURES_FILE) : NULL;
	f->features = pbt_features_defaults(f->edition);
	pbt_features_apply(&f->features, f->fs);
}

static int add_service(struct builder *b, struct pbt_file *file, uint32_t index)
{
	struct pbt_service *sv = &file->services[index];
	const pbt_service_proto *sp = file->fd->service[index];
	size_t i;

	sv->sp = sp;
	sv->name = sp->name ? sp->name : "";
	if (!*sv->name)
		return no_name(b, "service", file->name);
	sv->full_name = join(b->a, file->package, sv->name);
	sv->file = file;
	sv->index = index;
	sv->n_methods = sp->n_method;
	sv->methods = pbt_arena_calloc(b->a, sv->n_methods, sizeof(*sv->methods));
	for (i = 0; i < sv->n_methods; i++) {
		struct pbt_method *m = &sv->methods[i];

		m->mp = sp->method[i];
		m->name = m->mp->name ? m->mp->name : "";
		if (!*m->name)
			return no_name(b, "method", sv->full_name);
		m->service = sv;
		m->index = (uint32_t)i;
		m->input_type = strip_dot(m->mp->input_type);
		m->output_type = strip_dot(m->mp->output_type);
		if (!m->input_type)
			m->input_type = "";
		if (!m->output_type)
			m->output_type = "";
	}
	b->s->n_methods += sv->n_methods;
	if (pbt_map_put(&b->s->services, sv->full_name, sv))
		return dup_name(b, "service", sv->full_name);
	return 0;
}

static void add_to_package(struct builder *b, struct pbt_file *f)
{
	struct pbt_package *p = pbt_map_get(&b->s->packages, f->package);

	if (!p) {
		p = pbt_arena_zalloc(b->a, sizeof(*p));
		p->name = f->package;
		pbt_map_put(&b->s->packages, p->name, p);
		b->s->package_list[b->s->n_packages++] = p;
	}
	if (p->n_files == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 4;
		struct pbt_file **nf = pbt_arena_alloc(b->a, cap * sizeof(*nf));

		if (p->n_files)
			memcpy(nf, p->files, p->n_files * sizeof(*nf));
		p->files = nf;
		p->cap = cap;
	}
	p->files[p->n_files++] = f;
}

static int index_file(struct builder *b, struct pbt_file *f)
{
	const pbt_file_proto *fd = f->fd;
	size_t msgs = 0, enums = fd->n_enum_type, exts = fd->n_extension, i;
	int r;

	f->name = fd->name;
	f->package = fd->package ? fd->package : "";
	f->schema = b->s;
	file_syntax(b, f);
	for (i = 0; i < fd->n_message_type; i++)
		count_message(fd->message_type[i], &msgs, &enums, &exts);
	f->messages = pbt_arena_calloc(b->a, msgs, sizeof(*f->messages));
	f->enums = pbt_arena_calloc(b->a, enums, sizeof(*f->enums));
	f->extensions = pbt_arena_calloc(b->a, exts, sizeof(*f->extensions));
	for (i = 0; i < fd->n_enum_type; i++) {
		r = add_enum(b, f, NULL, fd->enum_type[i], (uint32_t)i);
		if (r)
			return r;
	}
	for (i = 0; i < fd->n_extension; i++) {
		r = add_extension(b, f, NULL, fd->extension[i], (uint32_t)i);
		if (r)
			return r;
	}
	for (i = 0; i < fd->n_message_type; i++) {
		r = add_message(b, f, NULL, fd->message_type[i], (uint32_t)i);
		if (r)
			return r;
	}
	f->n_services = fd->n_service;
	f->services = pbt_arena_calloc(b->a, f->n_services, sizeof(*f->services));
	for (i = 0; i < f->n_services; i++) {
		r = add_service(b, f, (uint32_t)i);
		if (r)
			return r;
	}
	b->s->n_enums += f->n_enums;
	b->s->n_extensions += f->n_extensions;
	b->s->n_services += f->n_services;
	add_to_package(b, f);
	return 0;
}

struct pbt_schema *pbt_schema_from_bytes(const char *path,
					 const unsigned char *data, size_t len,
					 struct pbt_err *err)
{
	return pbt_schema_from_bytes_select(path, data, len, NULL, NULL, err);
}

static int index_set(struct builder *b, const bool *imports);

/* Load from in; the schema takes in over, freed or not. */
static struct pbt_schema *from_input(const char *path, struct pbt_mapfile *in,
				     pbt_schema_select_fn *select,
				     void *select_data, struct pbt_err *err)
{
	struct pbt_arena *a = pbt_arena_new();
	struct pbt_schema *s = pbt_arena_zalloc(a, sizeof(*s));
	struct builder b = { s, a, err, { path, 0, 0 } };
	const pbt_file_proto **all = NULL;
	bool *imports = NULL;
	size_t *ranges, n, i, j;

	s->arena = a;
	s->input = *in;
	s->path = pbt_arena_strdup(a, path);
	if (pbt_desc_unpack(a, path, &s->input, &s->fds, &ranges, err))
		goto fail;
	n = s->fds->n_file;
	if (select) {
		all = pbt_arena_calloc(a, n, sizeof(*all));
		memcpy(all, s->fds->file, n * sizeof(*all));
		imports = pbt_arena_calloc(a, n, sizeof(*imports));
		if (select(s->fds, imports, select_data, err))
			goto fail;
	}
	if (index_set(&b, imports))
		goto fail;
	/* select keeps the order of the files it keeps. */
	for (i = j = 0; i < s->n_files; i++, j++) {
		while (all && all[j] != s->files[i].fd)
			j++;
		s->files[i].at = ranges[2 * j];
		s->files[i].end = ranges[2 * j + 1];
	}
	return s;
fail:
	pbt_schema_free(s);
	return NULL;
}

struct pbt_schema *pbt_schema_from_files(const char *path,
					 const struct pbt_mapfile *in,
					 const size_t *ranges, size_t n,
					 struct pbt_err *err)
{
	struct pbt_arena *a = pbt_arena_new();
	struct pbt_schema *s = pbt_arena_zalloc(a, sizeof(*s));
	struct builder b = { s, a, err, { path, 0, 0 } };
	size_t i;

	s->arena = a;
	/* Borrowed: nothing for pbt_schema_free() to release. */
	s->input = *in;
	s->input.borrowed = true;
	s->path = pbt_arena_strdup(a, path);
	if (pbt_desc_unpack_files(a, &s->input, ranges, n, &s->fds)) {
		pbt_errf(err, PBT_EINPUT, &b.loc, "not a FileDescriptorSet: "
			 "invalid or truncated protobuf");
		goto fail;
	}
	if (index_set(&b, NULL))
		goto fail;
	for (i = 0; i < s->n_files; i++) {
		s->files[i].at = ranges[2 * i];
		s->files[i].end = ranges[2 * i + 1];
	}
	return s;
fail:
	pbt_schema_free(s);
	return NULL;
}

void pbt_schema_detach_input(struct pbt_schema *s, struct pbt_mapfile *out)
{
	*out = s->input;
	memset(&s->input, 0, sizeof(s->input));
}

struct pbt_schema *pbt_schema_from_bytes_select(const char *path,
						const unsigned char *data,
						size_t len,
						pbt_schema_select_fn *select,
						void *select_data,
						struct pbt_err *err)
{
	struct pbt_mapfile in = { data, len, 0, NULL, false, false };

	return from_input(path, &in, select, select_data, err);
}

struct pbt_schema *pbt_schema_load_select(const char *path,
					  pbt_schema_select_fn *select,
					  void *select_data,
					  struct pbt_err *err)
{
	struct pbt_mapfile in;

	if (pbt_mapfile_open(&in, path, err))
		return NULL;
	return from_input(path, &in, select, select_data, err);
}

struct pbt_schema *pbt_schema_new_empty(const char *path)
{
	struct pbt_arena *a = pbt_arena_new();
	struct pbt_schema *s = pbt_arena_zalloc(a, sizeof(*s));
	struct builder b = { s, a, NULL, { path, 0, 0 } };

	s->arena = a;
	s->path = pbt_arena_strdup(a, path);
	s->fds = pbt_arena_zalloc(a, sizeof(*s->fds));
	pbt__ext__lazy_file_descriptor_set__init(s->fds);
	index_set(&b, NULL);	/* nothing to index: cannot fail */
	return s;
}

static int index_set(struct builder *b, const bool *imports)
{
	struct pbt_schema *s = b->s;
	struct pbt_arena *a = b->a;
	size_t i, j, nmsg = 0, nenum = 0, next = 0;
	int r;

	s->n_files = s->fds->n_file;
	s->files = pbt_arena_calloc(a, s->n_files, sizeof(*s->files));
	/* Size the maps once, from the counts. */
	for (i = 0; i < s->n_files; i++) {
		const pbt_file_proto *fd = s->fds->file[i];

		nenum += fd->n_enum_type;
		next += fd->n_extension;
		for (j = 0; j < fd->n_message_type; j++)
			count_message(fd->message_type[j], &nmsg, &nenum, &next);
	}
	pbt_map_init(&s->files_by_name, a, s->n_files);
	pbt_map_init(&s->messages, a, nmsg);
	pbt_map_init(&s->enums, a, nenum);
	pbt_map_init(&s->services, a, 16);
	pbt_map_init(&s->extensions, a, next);
	pbt_map_init(&s->packages, a, s->n_files / 4 + 4);
	s->package_list = pbt_arena_calloc(a, s->n_files, sizeof(*s->package_list));
	for (i = 0; i < s->n_files; i++) {
		struct pbt_file *f = &s->files[i];

		f->fd = s->fds->file[i];
		f->index = (uint32_t)i;
		pbt_map_put(&s->files_by_name, f->fd->name, f);
		r = index_file(b, f);
		if (r)
			return r;
		if (imports && imports[i])
			f->is_import = true;
	}
	return 0;
}

const char *pbt_field_json_name(struct pbt_arena *a, const struct pbt_field *f)
{
	const char *s = f->name;
	char *out, *p;
	bool up = false;

	if (f->fp->json_name)
		return f->fp->json_name;
	out = p = pbt_arena_alloc(a, strlen(s) + 1);
	for (; *s; s++) {
		if (*s == '_') {
			up = true;
			continue;
		}
		*p++ = up && *s >= 'a' && *s <= 'z' ?
			(char)(*s - 'a' + 'A') : *s;
		up = false;
	}
	*p = '\0';
	return out;
}

struct pbt_schema *pbt_schema_load(const char *path, struct pbt_err *err)
{
	return pbt_schema_load_select(path, NULL, NULL, err);
}

void pbt_schema_free(struct pbt_schema *s)
{
	if (!s)
		return;
	pbt_mapfile_release(&s->input);
	pbt_arena_free(s->arena);
}

struct pbt_file *pbt_schema_file(const struct pbt_schema *s, const char *name)
{
	return pbt_map_get(&s->files_by_name, name);
}

struct pbt_message *pbt_schema_message(const struct pbt_schema *s, const char *full_name)
{
	return pbt_map_get(&s->messages, full_name);
}

struct pbt_enum *pbt_schema_enum(const struct pbt_schema *s, const char *full_name)
{
	return pbt_map_get(&s->enums, full_name);
}

struct pbt_service *pbt_schema_service(const struct pbt_schema *s, const char *full_name)
{
	return pbt_map_get(&s->services, full_name);
}

struct pbt_package *pbt_schema_package(const struct pbt_schema *s, const char *name)
{
	return pbt_map_get(&s->packages, name);
}

struct pbt_field *pbt_message_field(const struct pbt_message *msg, int32_t number)
{
	size_t lo = 0, hi = msg->n_fields;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int32_t n = msg->by_number[mid]->number;

		if (n == number)
			return msg->by_number[mid];
		if (n < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct pbt_field *pbt_message_field_by_name(const struct pbt_message *msg, const char *name)
{
	size_t i, lo = 0, hi = msg->n_fields;

	if (!msg->by_name) {
		for (i = 0; i < msg->n_fields; i++)
			if (!strcmp(msg->fields[i].name, name))
				return &msg->fields[i];
		return NULL;
	}
	while (lo < hi) {	/* the first of the name: the first declared */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(msg->by_name[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < msg->n_fields && !strcmp(msg->by_name[lo]->name, name) ?
	       msg->by_name[lo] : NULL;
}

bool pbt_field_is_map(const struct pbt_field *f)
{
	struct pbt_message *t;

	if (f->fp->label != GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED ||
	    f->fp->type != GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE)
		return false;
	t = pbt_field_message_type(f);
	return t && t->is_map_entry;
}

struct pbt_message *pbt_field_message_type(const struct pbt_field *f)
{
	if (!f->type_name)
		return NULL;
	return pbt_map_get(&f->file->schema->messages, f->type_name);
}

/* ---------------------------------------------------------------- paths */

void pbt_path_push(struct pbt_path *p, int32_t v)
{
	if (p->n < PBT_PATH_MAX)
		p->v[p->n++] = v;
	else
		p->overflow = true;
}

void pbt_path_message(struct pbt_path *p, const struct pbt_message *m)
{
	if (m->map_field) {
		/* buf places a map entry at its map field's `map<K, V>` type. */
		pbt_path_field(p, m->map_field);
		pbt_path_push(p, 6);	/* FieldDescriptorProto.type_name */
		return;
	}
	if (m->parent) {
		pbt_path_message(p, m->parent);
		pbt_path_push(p, 3);	/* DescriptorProto.nested_type */
	} else {
		p->n = 0;
		p->overflow = false;
		pbt_path_push(p, 4);	/* FileDescriptorProto.message_type */
	}
	pbt_path_push(p, (int32_t)m->index);
}

void pbt_path_field(struct pbt_path *p, const struct pbt_field *f)
{
	if (f->message && f->message->map_field && !f->is_extension) {
		pbt_path_message(p, f->message);
		return;
	}
	if (f->message) {
		pbt_path_message(p, f->message);
		pbt_path_push(p, f->is_extension ? 6 : 2);
	} else {
		p->n = 0;
		p->overflow = false;
		pbt_path_push(p, 7);	/* FileDescriptorProto.extension */
	}
	pbt_path_push(p, (int32_t)f->index);
}

void pbt_path_oneof(struct pbt_path *p, const struct pbt_oneof *o)
{
	pbt_path_message(p, o->message);
	pbt_path_push(p, 8);
	pbt_path_push(p, (int32_t)o->index);
}

void pbt_path_enum(struct pbt_path *p, const struct pbt_enum *e)
{
	if (e->parent) {
		pbt_path_message(p, e->parent);
		pbt_path_push(p, 4);	/* DescriptorProto.enum_type */
	} else {
		p->n = 0;
		p->overflow = false;
		pbt_path_push(p, 5);	/* FileDescriptorProto.enum_type */
	}
	pbt_path_push(p, (int32_t)e->index);
}

void pbt_path_enum_value(struct pbt_path *p, const struct pbt_enum_value *v)
{
	pbt_path_enum(p, v->en);
	pbt_path_push(p, 2);
	pbt_path_push(p, (int32_t)v->index);
}

void pbt_path_service(struct pbt_path *p, const struct pbt_service *s)
{
	p->n = 0;
	p->overflow = false;
	pbt_path_push(p, 6);
	pbt_path_push(p, (int32_t)s->index);
}

void pbt_path_method(struct pbt_path *p, const struct pbt_method *m)
{
	pbt_path_service(p, m->service);
	pbt_path_push(p, 2);
	pbt_path_push(p, (int32_t)m->index);
}
