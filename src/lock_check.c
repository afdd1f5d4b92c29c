/*
 * `breaking NEW --lock FILE`: NEW against everything a lock recorded,
 * with the rules' own check functions.  The lock is turned back into
 * descriptors: "layer" k is a FileDescriptorSet holding, for every
 * message field number (enum value number), the k-th form the lock
 * recorded for it (the last one when it has fewer), so every recorded
 * form is in some layer and every layer has every number ever used.  The
 * layers seed a history (history.c) as its past, NEW is added as the one
 * version that gets checked, and the findings are NEW's.
 *
 * What a lock does not record (options, JSON formats, defaults, services,
 * extensions, file packages) is not checked: the rules that read them are
 * left out (lock_rules below).
 *
 * A field or enum value whose exact entry is in the lock was accepted
 * when `lock update` recorded it: its layers hold only that form, and
 * findings about the field are dropped.
 */
#include "lock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "history.h"
#include "rules.h"

/* The rules a lock can answer: numbers, names, types, cardinality. */
static const enum pbt_rule_id lock_rules[] = {
	PBT_RULE_ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED,
	PBT_RULE_ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED,
	PBT_RULE_ENUM_VALUE_SAME_NAME,
	PBT_RULE_FIELD_NO_DELETE_UNLESS_NAME_RESERVED,
	PBT_RULE_FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED,
	PBT_RULE_FIELD_SAME_JSON_NAME,
	PBT_RULE_FIELD_SAME_NAME,
	PBT_RULE_FIELD_SAME_ONEOF,
	PBT_RULE_FIELD_WIRE_COMPATIBLE_CARDINALITY,
	PBT_RULE_FIELD_WIRE_COMPATIBLE_TYPE,
	PBT_RULE_FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY,
	PBT_RULE_FIELD_WIRE_JSON_COMPATIBLE_TYPE,
	PBT_RULE_MESSAGE_SAME_REQUIRED_FIELDS,
	PBT_RULE_RESERVED_ENUM_NO_DELETE,
	PBT_RULE_RESERVED_MESSAGE_NO_DELETE,
};

/* More forms of one number than this: not a lock (see pbt_lock_check()). */
#define MAX_FORMS 1000

/* One number of an element and the forms recorded for it. */
struct num {
	int64_t number;
	const struct pbt_lock_entry **forms;
	size_t n, cap;
	bool aliases;	/* enum: all forms in every layer (NEW's names) */
};

struct elem {
	const char *name;
	bool is_enum, map_entry;
	bool in_layer;		/* make_layer(): part of the layer being made */
	bool proto2;		/* has a group field: see make_layer() */
	struct num *nums;
	size_t n_nums, cap_nums;
	const struct pbt_lock_entry **ranges, **names;
	size_t n_ranges, n_names, cap_ranges, cap_names;
};

struct model {
	struct pbt_arena *a;
	struct pbt_map elems;		/* name -> struct elem */
	struct elem **list;
	size_t n, cap;
	struct pbt_map accepted;	/* "msg#number": accepted NEW fields */
	struct pbt_map nums;		/* "elem#number" -> index + 1 in nums */
};

/* Grow arena array v of n elements to hold one more (old copy dropped). */
#define GROW(v, n, cap, a)						\
	do {								\
		if ((n) == (cap)) {					\
			void *nv_;					\
			(cap) = (cap) ? (cap) * 2 : 4;			\
			nv_ = pbt_arena_calloc((a), (cap), sizeof(*(v)));\
			if (n)						\
				memcpy(nv_, (v), (n) * sizeof(*(v)));	\
			(v) = nv_;					\
		}							\
	} while (0)

static struct elem *elem_get(struct model *m, const char *name, bool is_enum)
{
	struct elem *e = pbt_map_get(&m->elems, name);

	if (e)
		return e;
	e = pbt_arena_zalloc(m->a, sizeof(*e));
	e->name = name;
	e->is_enum = is_enum;
	pbt_map_put(&m->elems, name, e);
	GROW(m->list, m->n, m->cap, m->a);
	m->list[m->n++] = e;
	return e;
}

/* By map, not by scanning e->nums: a message may have 10^5 numbers. */
static struct num *num_get(struct model *m, struct elem *e, int64_t number)
{
	char *key = pbt_arena_printf(m->a, "%s#%lld", e->name,
				     (long long)number);
	uintptr_t at = (uintptr_t)pbt_map_get(&m->nums, key);

	if (at)
		return &e->nums[at - 1];
	GROW(e->nums, e->n_nums, e->cap_nums, m->a);
	memset(&e->nums[e->n_nums], 0, sizeof(e->nums[0]));
	e->nums[e->n_nums].number = number;
	pbt_map_put(&m->nums, key, (void *)(uintptr_t)(e->n_nums + 1));
	return &e->nums[e->n_nums++];
}

static void num_add(struct model *m, struct num *n,
		    const struct pbt_lock_entry *f)
{
	GROW(n->forms, n->n, n->cap, m->a);
	n->forms[n->n++] = f;
}

static bool enum_kind(enum pbt_lock_kind k)
{
	return k >= PBT_LOCK_VALUE;
}

static void build_model(struct model *m, const struct pbt_lock *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct pbt_lock_entry *le = &l->v[i];
		struct elem *e = elem_get(m, le->elem, enum_kind(le->kind));

		/* One name as both a message and an enum: keep the first. */
		if (e->is_enum != enum_kind(le->kind))
			continue;
		switch (le->kind) {
		case PBT_LOCK_FIELD:
			if (!strcmp(le->type, "group"))
				e->proto2 = true;
			/* fall through */
		case PBT_LOCK_VALUE:
			num_add(m, num_get(m, e, le->number), le);
			break;
		case PBT_LOCK_MSG_RESERVED:
		case PBT_LOCK_ENUM_RESERVED:
			GROW(e->ranges, e->n_ranges, e->cap_ranges, m->a);
			e->ranges[e->n_ranges++] = le;
			break;
		default:
			GROW(e->names, e->n_names, e->cap_names, m->a);
			e->names[e->n_names++] = le;
			break;
		}
	}
	for (i = 0; i < l->n; i++) {
		const struct pbt_lock_entry *le = &l->v[i];
		struct elem *e;

		if (le->kind != PBT_LOCK_FIELD || le->card != PBT_LOCK_MAP ||
		    !le->type_name)
			continue;
		e = pbt_map_get(&m->elems, le->type_name);
		if (e && !e->is_enum)
			e->map_entry = true;
	}
}

/*
 * NEW's fields whose entry the lock has: that form alone stands for the
 * number's past, and findings about the field are dropped.
 */
static void accept_message(struct model *m, const struct pbt_lock *l,
			   const struct pbt_message *msg)
{
	struct elem *e = pbt_map_get(&m->elems, msg->full_name);
	size_t k;

	if (!e || e->is_enum)
		return;
	for (k = 0; k < msg->n_fields; k++) {
		const struct pbt_field *f = &msg->fields[k];
		const struct pbt_lock_entry *have;
		struct pbt_lock_entry fe;
		struct num *n;
		char *subject;

		pbt_lock_field_entry(m->a, f, &fe);
		have = pbt_lock_find(l, fe.text);
		/* A form recorded but not current is a return to an old
		 * form: it breaks the data of the forms since. */
		if (!have || have != pbt_lock_latest(l, PBT_LOCK_FIELD,
						     msg->full_name, f->number))
			continue;
		n = num_get(m, e, f->number);
		n->n = 0;
		num_add(m, n, have);
		/* The subject pbt_cx_subject() gives a field. */
		subject = pbt_arena_printf(m->a, "%s#%d", msg->full_name,
					   f->number);
		pbt_map_put(&m->accepted, subject, (void *)1);
	}
}

/*
 * NEW's names for one enum value number (run[0..n_run), in declaration
 * order), when the lock has them all and the current one is among them:
 * together, as aliases, they stand for the number's past.
 */
static void accept_value(struct model *m, const struct pbt_lock *l,
			 struct elem *e, const struct pbt_enum *en,
			 const struct pbt_enum_value *const *run, size_t n_run)
{
	const struct pbt_lock_entry **have =
		pbt_arena_calloc(m->a, n_run, sizeof(*have));
	int32_t number = run[0]->number;
	const struct pbt_lock_entry *cur =
		pbt_lock_latest(l, PBT_LOCK_VALUE, en->full_name, number);
	struct pbt_lock_entry ve;
	size_t nh = 0, v;
	bool current = false;
	struct num *n;

	memset(&ve, 0, sizeof(ve));
	ve.kind = PBT_LOCK_VALUE;
	ve.elem = en->full_name;
	ve.number = number;
	for (v = 0; v < n_run; v++) {
		ve.name = run[v]->name;
		have[nh] = pbt_lock_find(l, pbt_lock_entry_text(m->a, &ve));
		if (!have[nh])
			return;
		current |= have[nh++] == cur;
	}
	if (!current)
		return;
	n = num_get(m, e, number);
	n->n = 0;
	n->aliases = true;
	for (v = 0; v < nh; v++)
		num_add(m, n, have[v]);
}

static int cmp_value(const void *x, const void *y)
{
	const struct pbt_enum_value *a = *(const struct pbt_enum_value *const *)x;
	const struct pbt_enum_value *b = *(const struct pbt_enum_value *const *)y;

	if (a->number != b->number)
		return a->number < b->number ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/*
 * Each number once, with all its values: sorted by number rather than
 * looked for value by value, as an enum may have 100,000 values (10,000
 * took 800 MB and rising as the square).
 */
static void accept_enum(struct model *m, const struct pbt_lock *l,
			const struct pbt_enum *en)
{
	struct elem *e = pbt_map_get(&m->elems, en->full_name);
	const struct pbt_enum_value **v;
	size_t k, end;

	if (!e || !e->is_enum || !en->n_values)
		return;
	v = pbt_xcalloc(en->n_values, sizeof(*v));
	for (k = 0; k < en->n_values; k++)
		v[k] = &en->values[k];
	qsort(v, en->n_values, sizeof(*v), cmp_value);
	for (k = 0; k < en->n_values; k = end) {
		for (end = k + 1; end < en->n_values && v[end]->number == v[k]->number; end++)
			;
		accept_value(m, l, e, en, v + k, end - k);
	}
	free(v);
}

static void accept_new(struct model *m, const struct pbt_lock *l,
		       const struct pbt_schema *s)
{
	size_t i, j;

	for (i = 0; i < s->n_files; i++) {
		const struct pbt_file *f = &s->files[i];

		for (j = 0; j < f->n_messages; j++)
			accept_message(m, l, f->messages[j]);
		for (j = 0; j < f->n_enums; j++)
			accept_enum(m, l, f->enums[j]);
	}
}

/* ---------------------------------------------------------------- layers */

typedef Google__Protobuf__FileDescriptorSet fds_t;
typedef Google__Protobuf__FileDescriptorProto fdp_t;
typedef Google__Protobuf__DescriptorProto dp_t;
typedef Google__Protobuf__DescriptorProto__ReservedRange mrange_t;
typedef Google__Protobuf__FieldDescriptorProto fp_t;
typedef Google__Protobuf__OneofDescriptorProto op_t;
typedef Google__Protobuf__MessageOptions mo_t;
typedef Google__Protobuf__EnumDescriptorProto ep_t;
typedef Google__Protobuf__EnumDescriptorProto__EnumReservedRange erange_t;
typedef Google__Protobuf__EnumValueDescriptorProto vp_t;
typedef Google__Protobuf__EnumOptions eo_t;

#define FL(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_##x

/* A protobuf-c message in the arena, initialised from its INIT value. */
static void *made(struct pbt_arena *a, const void *init, size_t size)
{
	void *p = pbt_arena_alloc(a, size);

	memcpy(p, init, size);
	return p;
}
#define MAKE(a, type, init) ((type *)made((a), &(type)init, sizeof(type)))

/* An array of n pointers (at least one slot: protobuf-c may look). */
#define ARRAY(a, n, v) pbt_arena_calloc((a), (n) ? (n) : 1, sizeof(*(v)))

struct pkg {
	const char *name;
	fdp_t *fd;
	size_t cap_msgs, cap_enums;
};

static int type_number(const char *t)
{
	static const char *const names[] = {
		NULL, "double", "float", "int64", "uint64", "int32", "fixed64",
		"fixed32", "bool", "string", "group", "message", "bytes",
		"uint32", "enum", "sfixed32", "sfixed64", "sint32", "sint64",
	};
	int i;

	for (i = 1; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (!strcmp(names[i], t))
			return i;
	return GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES;
}

static const struct pbt_lock_entry *form_at(const struct num *n, size_t k)
{
	return n->forms[k < n->n ? k : n->n - 1];
}

/* The index of oneof `name` in dp, added if missing. */
static int32_t oneof_index(struct pbt_arena *a, dp_t *dp, const char *name)
{
	op_t **v;
	size_t i;

	for (i = 0; i < dp->n_oneof_decl; i++)
		if (!strcmp(dp->oneof_decl[i]->name, name))
			return (int32_t)i;
	v = pbt_arena_calloc(a, i + 1, sizeof(*v));
	if (i)
		memcpy(v, dp->oneof_decl, i * sizeof(*v));
	v[i] = MAKE(a, op_t, GOOGLE__PROTOBUF__ONEOF_DESCRIPTOR_PROTO__INIT);
	v[i]->name = (char *)name;
	dp->oneof_decl = v;
	dp->n_oneof_decl = i + 1;
	return (int32_t)i;
}

static fp_t *make_field(struct pbt_arena *a, dp_t *dp,
			const struct pbt_lock_entry *le, bool proto3)
{
	fp_t *fp = MAKE(a, fp_t, GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__INIT);

	fp->name = (char *)le->name;
	fp->has_number = 1;
	fp->number = (int32_t)le->number;
	fp->has_label = 1;
	switch (le->card) {
	case PBT_LOCK_REPEATED:
	case PBT_LOCK_MAP:
		fp->label = FL(REPEATED);
		break;
	case PBT_LOCK_REQUIRED:
		fp->label = FL(REQUIRED);
		break;
	default:
		fp->label = FL(OPTIONAL);
		break;
	}
	fp->has_type = 1;
	fp->type = (Google__Protobuf__FieldDescriptorProto__Type)
		type_number(le->type);
	if (le->type_name)
		fp->type_name = pbt_arena_printf(a, ".%s", le->type_name);
	fp->json_name = (char *)le->json;
	if (le->oneof) {
		fp->has_oneof_index = 1;
		fp->oneof_index = oneof_index(a, dp, le->oneof);
	} else if (proto3 && le->card == PBT_LOCK_OPTIONAL &&
		   strcmp(le->type, "message")) {
		/* proto3 `optional`, the way protoc writes it. */
		fp->has_proto3_optional = 1;
		fp->proto3_optional = 1;
		fp->has_oneof_index = 1;
		fp->oneof_index = oneof_index(a, dp,
			pbt_arena_printf(a, "_%s", le->name));
	}
	return fp;
}

static int cmp_num(const void *x, const void *y)
{
	const struct num *a = x, *b = y;

	/* Zero first: proto3 enums start with it and defaults read it. */
	if ((a->number == 0) != (b->number == 0))
		return a->number == 0 ? -1 : 1;
	return (a->number > b->number) - (a->number < b->number);
}

static dp_t *make_message(struct pbt_arena *a, const struct elem *e,
			  const char *short_name, size_t k)
{
	dp_t *dp = MAKE(a, dp_t, GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__INIT);
	size_t i;

	dp->name = (char *)short_name;
	dp->n_field = e->n_nums;
	dp->field = ARRAY(a, e->n_nums, dp->field);
	for (i = 0; i < e->n_nums; i++)
		dp->field[i] = make_field(a, dp, form_at(&e->nums[i], k),
					  !e->proto2);
	dp->n_reserved_range = e->n_ranges;
	dp->reserved_range = ARRAY(a, e->n_ranges, dp->reserved_range);
	for (i = 0; i < e->n_ranges; i++) {
		mrange_t *r = MAKE(a, mrange_t,
			GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__RESERVED_RANGE__INIT);

		r->has_start = r->has_end = 1;
		r->start = (int32_t)e->ranges[i]->number;
		/* end-exclusive in a DescriptorProto */
		r->end = (int32_t)(e->ranges[i]->end + 1);
		dp->reserved_range[i] = r;
	}
	dp->n_reserved_name = e->n_names;
	dp->reserved_name = ARRAY(a, e->n_names, dp->reserved_name);
	for (i = 0; i < e->n_names; i++)
		dp->reserved_name[i] = (char *)e->names[i]->name;
	if (e->map_entry) {
		dp->options = MAKE(a, mo_t, GOOGLE__PROTOBUF__MESSAGE_OPTIONS__INIT);
		dp->options->has_map_entry = 1;
		dp->options->map_entry = 1;
	}
	return dp;
}

static ep_t *make_enum(struct pbt_arena *a, const struct elem *e,
		       const char *short_name, size_t k)
{
	ep_t *ep = MAKE(a, ep_t, GOOGLE__PROTOBUF__ENUM_DESCRIPTOR_PROTO__INIT);
	size_t i, j, n = 0;
	bool alias = false;

	ep->name = (char *)short_name;
	for (i = 0; i < e->n_nums; i++)
		n += e->nums[i].aliases ? e->nums[i].n : 1;
	ep->value = ARRAY(a, n, ep->value);
	for (i = 0; i < e->n_nums; i++) {
		const struct num *nm = &e->nums[i];
		size_t from = nm->aliases ? 0 : (k < nm->n ? k : nm->n - 1);
		size_t to = nm->aliases ? nm->n : from + 1;

		alias |= to - from > 1;
		for (j = from; j < to; j++) {
			vp_t *v = MAKE(a, vp_t,
				GOOGLE__PROTOBUF__ENUM_VALUE_DESCRIPTOR_PROTO__INIT);

			v->name = (char *)nm->forms[j]->name;
			v->has_number = 1;
			v->number = (int32_t)nm->number;
			ep->value[ep->n_value++] = v;
		}
	}
	ep->n_reserved_range = e->n_ranges;
	ep->reserved_range = ARRAY(a, e->n_ranges, ep->reserved_range);
	for (i = 0; i < e->n_ranges; i++) {
		erange_t *r = MAKE(a, erange_t,
			GOOGLE__PROTOBUF__ENUM_DESCRIPTOR_PROTO__ENUM_RESERVED_RANGE__INIT);

		r->has_start = r->has_end = 1;
		r->start = (int32_t)e->ranges[i]->number;
		r->end = (int32_t)e->ranges[i]->end;	/* inclusive too */
		ep->reserved_range[i] = r;
	}
	ep->n_reserved_name = e->n_names;
	ep->reserved_name = ARRAY(a, e->n_names, ep->reserved_name);
	for (i = 0; i < e->n_names; i++)
		ep->reserved_name[i] = (char *)e->names[i]->name;
	if (alias) {
		ep->options = MAKE(a, eo_t, GOOGLE__PROTOBUF__ENUM_OPTIONS__INIT);
		ep->options->has_allow_alias = 1;
		ep->options->allow_alias = 1;
	}
	return ep;
}

/* The file of package `name` and syntax (made on first use). */
static struct pkg *pkg_of(struct pbt_arena *a, struct pbt_map *pkgs,
			  struct pkg ***list, size_t *n, size_t *cap,
			  const char *label, const char *name, bool proto2)
{
	const char *file = pbt_arena_printf(a, "%s/%s%s.proto", label,
					    *name ? name : "_",
					    proto2 ? ".proto2" : "");
	struct pkg *p = pbt_map_get(pkgs, file);

	if (p)
		return p;
	p = pbt_arena_zalloc(a, sizeof(*p));
	p->name = name;
	p->fd = MAKE(a, fdp_t, GOOGLE__PROTOBUF__FILE_DESCRIPTOR_PROTO__INIT);
	p->fd->name = (char *)file;
	p->fd->package = *name ? (char *)name : NULL;
	p->fd->syntax = proto2 ? NULL : pbt_arena_strdup(a, "proto3");
	pbt_map_put(pkgs, file, p);
	GROW(*list, *n, *cap, a);
	(*list)[(*n)++] = p;
	return p;
}

/*
 * Which elements layer k holds.  Layer 0 holds all.  An element whose
 * numbers all have at most k forms would be in layer k as it is in an
 * earlier layer (its last forms), adding only findings already found and
 * a copy of itself: a lock with 200 forms of one field and 20,000 other
 * messages made 200 full copies (3 GB).  So layer k > 0 holds the
 * elements with more than k forms of a number, and the elements their
 * fields name (a map field needs its entry to be a map).
 */
static void mark_layer(struct model *m, size_t k)
{
	size_t i, j;

	for (i = 0; i < m->n; i++) {
		struct elem *e = m->list[i];

		e->in_layer = !k;
		for (j = 0; j < e->n_nums && !e->in_layer; j++)
			e->in_layer = (e->nums[j].aliases ? 1 :
				       e->nums[j].n) > k;
	}
	if (!k)
		return;
	for (i = 0; i < m->n; i++) {
		const struct elem *e = m->list[i];

		if (!e->in_layer || e->is_enum)
			continue;
		for (j = 0; j < e->n_nums; j++) {
			const struct pbt_lock_entry *f =
				form_at(&e->nums[j], k);
			struct elem *t = f->type_name ?
				pbt_map_get(&m->elems, f->type_name) : NULL;

			if (t)
				t->in_layer = true;
		}
	}
}

/*
 * Layer k as a descriptor set: one file per package, every element at its
 * top level (its full name is all the rules look at).  The package is the
 * full name without its last part, which for a nested element is its
 * parent: the same full names either way.  The file is proto3, where the
 * lock's cardinalities map onto the descriptor the way protoc writes them
 * (required as a label the rules read as such), except for messages with
 * a group field, in proto2, where implicit presence cannot be said and
 * reads as explicit (wire- and JSON-compatible with it).
 */
static struct pbt_schema *make_layer(struct model *m, size_t k,
				     const char *label, struct pbt_err *err)
{
	struct pbt_arena *a = pbt_arena_new();
	fds_t set = GOOGLE__PROTOBUF__FILE_DESCRIPTOR_SET__INIT;
	struct pbt_map pkgs;
	struct pkg **list = NULL;
	size_t n_pkgs = 0, cap_pkgs = 0, i, len;
	struct pbt_schema *s;
	uint8_t *bytes;

	pbt_map_init(&pkgs, a, 0);
	for (i = 0; i < m->n; i++) {
		const struct elem *e = m->list[i];
		const char *dot = strrchr(e->name, '.');
		const char *short_name = dot ? dot + 1 : e->name;
		const char *pkg_name = dot ? pbt_arena_strndup(a, e->name,
						(size_t)(dot - e->name)) : "";
		struct pkg *p = pkg_of(a, &pkgs, &list, &n_pkgs, &cap_pkgs,
				       label, pkg_name, e->proto2);
		fdp_t *fd = p->fd;

		if (!e->in_layer)
			continue;
		if (e->is_enum) {
			GROW(fd->enum_type, fd->n_enum_type, p->cap_enums, a);
			fd->enum_type[fd->n_enum_type++] =
				make_enum(a, e, short_name, k);
		} else {
			GROW(fd->message_type, fd->n_message_type,
			     p->cap_msgs, a);
			fd->message_type[fd->n_message_type++] =
				make_message(a, e, short_name, k);
		}
	}
	set.n_file = n_pkgs;
	set.file = ARRAY(a, n_pkgs, set.file);
	for (i = 0; i < n_pkgs; i++)
		set.file[i] = list[i]->fd;
	len = protobuf_c_message_get_packed_size(&set.base);
	bytes = pbt_xmalloc(len ? len : 1);
	protobuf_c_message_pack(&set.base, bytes);
	pbt_arena_free(a);
	s = pbt_schema_from_bytes(label, bytes, len, err);
	free(bytes);
	return s;
}

/* ---------------------------------------------------------------- check */

static bool drop_accepted(const struct pbt_finding *f, void *data)
{
	const struct model *m = data;

	return !(f->subject && pbt_map_get(&m->accepted, f->subject));
}

int pbt_lock_check(const struct pbt_lock *l, const char *lock_path,
		   struct pbt_schema *new, const bool *enabled,
		   struct pbt_findings *out, struct pbt_err *err)
{
	bool *on = pbt_xcalloc(pbt_n_rules, sizeof(*on));
	struct pbt_findings fs;
	struct pbt_history *h;
	struct model m;
	size_t layers = 0, i, j;
	int rc = 0;

	for (i = 0; i < sizeof(lock_rules) / sizeof(lock_rules[0]); i++) {
		if (enabled[lock_rules[i]])
			on[lock_rules[i]] = true;
	}
	memset(&m, 0, sizeof(m));
	m.a = pbt_arena_new();
	pbt_map_init(&m.elems, m.a, 0);
	pbt_map_init(&m.accepted, m.a, 0);
	pbt_map_init(&m.nums, m.a, l->n);
	build_model(&m, l);
	accept_new(&m, l, new);
	for (i = 0; i < m.n; i++) {
		struct elem *e = m.list[i];

		if (e->n_nums)	/* qsort(NULL, 0, ...) is undefined */
			qsort(e->nums, e->n_nums, sizeof(*e->nums), cmp_num);
		for (j = 0; j < e->n_nums; j++) {
			size_t n = e->nums[j].aliases ? 1 : e->nums[j].n;

			if (n > layers)
				layers = n;
			/* Each layer is a schema: bound them (a lock written
			 * by pbtable has a few forms of a number). */
			if (n > MAX_FORMS && !rc)
				rc = pbt_errf(err, PBT_EINPUT,
					      &(struct pbt_loc){ lock_path, 0, 0 },
					      "%s '%s' number %lld has %zu recorded forms (at most %d)",
					      e->is_enum ? "enum" : "message", e->name,
					      (long long)e->nums[j].number, n, MAX_FORMS);
		}
	}
	if (!layers && m.n)
		layers = 1;	/* only reserved ranges and names */

	h = pbt_history_new(on);
	for (i = 0; i < layers && !rc; i++) {
		struct pbt_schema *s;

		mark_layer(&m, i);
		s = make_layer(&m, i, lock_path, err);

		if (!s) {
			/* The lock parsed, so this is ours, but say where. */
			rc = pbt_err_detail(err, "while reading the lock %s",
					    lock_path);
			break;
		}
		pbt_history_seed(h, s, lock_path);
	}
	if (!rc) {
		pbt_history_add_borrowed(h, new, new->path ? new->path : "NEW");
		pbt_findings_init(&fs);
		pbt_history_finish(h, &fs);
		pbt_findings_filter(&fs, drop_accepted, &m);
		for (i = 0; i < fs.n; i++) {
			struct pbt_finding *f = pbt_findings_add(out);
			const struct pbt_finding *g = &fs.v[i];

			*f = *g;
			f->pair = NULL;
#define COPY(x) f->x = g->x ? pbt_arena_strdup(out->arena, g->x) : NULL
			COPY(path);
			COPY(message);
			COPY(prev_path);
			COPY(package);
			COPY(prev_package);
			COPY(subject);
#undef COPY
		}
		pbt_findings_release(&fs);
	}
	pbt_history_free(h);
	pbt_arena_free(m.a);
	free(on);
	return rc;
}

int pbt_lock_run(const char *lock_path, struct pbt_schema *new,
		 struct pbt_findings *out, struct pbt_err *err)
{
	bool *wire = pbt_xcalloc(pbt_n_rules, sizeof(*wire));
	struct pbt_lock l;
	int rc;

	pbt_lock_init(&l);
	rc = pbt_lock_read(&l, lock_path, err);
	if (!rc) {
		pbt_history_rules(PBT_CAT_WIRE | PBT_CAT_WIRE_JSON, wire);
		rc = pbt_lock_check(&l, lock_path, new, wire, out, err);
	}
	pbt_lock_release(&l);
	free(wire);
	return rc;
}
