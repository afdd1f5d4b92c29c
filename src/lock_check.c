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
static const char *const lock_rules[] = {
	"ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
	"ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
	"ENUM_VALUE_SAME_NAME",
	"FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
	"FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
	"FIELD_SAME_JSON_NAME",
	"FIELD_SAME_NAME",
	"FIELD_SAME_ONEOF",
	"FIELD_WIRE_COMPATIBLE_CARDINALITY",
	"FIELD_WIRE_COMPATIBLE_TYPE",
	"FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
	"FIELD_WIRE_JSON_COMPATIBLE_TYPE",
	"MESSAGE_SAME_REQUIRED_FIELDS",
	"RESERVED_ENUM_NO_DELETE",
	"RESERVED_MESSAGE_NO_DELETE",
};

/* One number of an element and the forms recorded for it. */
struct num {
	int64_t number;
	const struct pbt_lock_entry **forms;
	size_t n, cap;
	bool aliases;	/* enum: all forms in every layer (NEW's accepted names) */
};

struct elem {
	const char *name;
	bool is_enum, map_entry;
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
	struct pbt_map accepted;	/* "msg#number" of accepted NEW fields */
};

#define GROW(v, n, cap, a)						\
	do {								\
		if ((n) == (cap)) {					\
			void *nv_;					\
			(cap) = (cap) ? (cap) * 2 : 4;			\
			nv_ = pbt_arena_calloc((a), (cap), sizeof(*(v)));	\
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

static struct num *num_get(struct model *m, struct elem *e, int64_t number)
{
	size_t i;

	for (i = 0; i < e->n_nums; i++)
		if (e->nums[i].number == number)
			return &e->nums[i];
	GROW(e->nums, e->n_nums, e->cap_nums, m->a);
	memset(&e->nums[e->n_nums], 0, sizeof(e->nums[0]));
	e->nums[e->n_nums].number = number;
	return &e->nums[e->n_nums++];
}

static void num_add(struct model *m, struct num *n, const struct pbt_lock_entry *f)
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

		if (le->kind != PBT_LOCK_FIELD || le->card != PBT_LOCK_MAP || !le->type_name)
			continue;
		e = pbt_map_get(&m->elems, le->type_name);
		if (e && !e->is_enum)
			e->map_entry = true;
	}
}

/* NEW's forms that the lock already has replace the recorded past. */
static void accept_new(struct model *m, const struct pbt_lock *l,
		       const struct pbt_schema *s)
{
	size_t i, j, k;

	for (i = 0; i < s->n_files; i++) {
		const struct pbt_file *f = &s->files[i];

		for (j = 0; j < f->n_messages; j++) {
			const struct pbt_message *msg = f->messages[j];
			struct elem *e = pbt_map_get(&m->elems, msg->full_name);

			if (!e || e->is_enum)
				continue;
			for (k = 0; k < msg->n_fields; k++) {
				struct pbt_lock_entry fe;
				const struct pbt_lock_entry *have;
				struct num *n;

				pbt_lock_field_entry(m->a, &msg->fields[k], &fe);
				have = pbt_lock_find(l, fe.text);
				if (!have)
					continue;
				n = num_get(m, e, msg->fields[k].number);
				n->n = 0;
				num_add(m, n, have);
				pbt_map_put(&m->accepted,
					    pbt_arena_printf(m->a, "%s#%d", msg->full_name,
							     msg->fields[k].number),
					    (void *)1);
			}
		}
		for (j = 0; j < f->n_enums; j++) {
			const struct pbt_enum *en = f->enums[j];
			struct elem *e = pbt_map_get(&m->elems, en->full_name);

			if (!e || !e->is_enum)
				continue;
			for (k = 0; k < en->n_values; k++) {
				int32_t number = en->values[k].number;
				const struct pbt_lock_entry *have[64];
				size_t nh = 0, v;
				bool all = true;
				struct num *n;

				/* Each number once: at its first value. */
				for (v = 0; v < k && en->values[v].number != number; v++)
					;
				if (v < k)
					continue;
				for (v = k; v < en->n_values && all; v++) {
					const char *t;

					if (en->values[v].number != number)
						continue;
					t = pbt_arena_printf(m->a, "enum %s value %d %s",
							     en->full_name, number,
							     en->values[v].name);
					have[nh] = pbt_lock_find(l, t);
					all = have[nh] && nh + 1 < 64;
					nh++;
				}
				if (!all)
					continue;
				n = num_get(m, e, number);
				n->n = 0;
				n->aliases = true;
				for (v = 0; v < nh; v++)
					num_add(m, n, have[v]);
			}
		}
	}
}

/* ---------------------------------------------------------------- layers */

typedef Google__Protobuf__FileDescriptorProto fdp_t;
typedef Google__Protobuf__DescriptorProto dp_t;
typedef Google__Protobuf__FieldDescriptorProto fp_t;
typedef Google__Protobuf__EnumDescriptorProto ep_t;
typedef Google__Protobuf__EnumValueDescriptorProto vp_t;

struct pkg {
	const char *name;
	fdp_t *fd;
	size_t cap_msgs, cap_enums;
};

static int type_number(const char *t)
{
	static const char *const names[] = {
		NULL, "double", "float", "int64", "uint64", "int32", "fixed64",
		"fixed32", "bool", "string", "group", "message", "bytes", "uint32",
		"enum", "sfixed32", "sfixed64", "sint32", "sint64",
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

static fp_t *make_field(struct pbt_arena *a, dp_t *dp, const struct pbt_lock_entry *le)
{
	fp_t *fp = pbt_arena_zalloc(a, sizeof(*fp));

	*fp = (fp_t)GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__INIT;
	fp->name = (char *)le->name;
	fp->has_number = 1;
	fp->number = (int32_t)le->number;
	fp->has_label = 1;
	fp->label = le->card == PBT_LOCK_REPEATED || le->card == PBT_LOCK_MAP ?
		GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED :
		le->card == PBT_LOCK_REQUIRED ?
		GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED :
		GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL;
	fp->has_type = 1;
	fp->type = (Google__Protobuf__FieldDescriptorProto__Type)type_number(le->type);
	if (le->type_name)
		fp->type_name = pbt_arena_printf(a, ".%s", le->type_name);
	fp->json_name = (char *)le->json;
	if (le->oneof) {
		size_t i;

		for (i = 0; i < dp->n_oneof_decl; i++)
			if (!strcmp(dp->oneof_decl[i]->name, le->oneof))
				break;
		if (i == dp->n_oneof_decl) {
			Google__Protobuf__OneofDescriptorProto *o = pbt_arena_zalloc(a, sizeof(*o));
			Google__Protobuf__OneofDescriptorProto **v =
				pbt_arena_calloc(a, i + 1, sizeof(*v));

			*o = (Google__Protobuf__OneofDescriptorProto)
				GOOGLE__PROTOBUF__ONEOF_DESCRIPTOR_PROTO__INIT;
			o->name = (char *)le->oneof;
			if (i)
				memcpy(v, dp->oneof_decl, i * sizeof(*v));
			v[i] = o;
			dp->oneof_decl = v;
			dp->n_oneof_decl = i + 1;
		}
		fp->has_oneof_index = 1;
		fp->oneof_index = (int32_t)i;
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
	dp_t *dp = pbt_arena_zalloc(a, sizeof(*dp));
	size_t i;

	*dp = (dp_t)GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__INIT;
	dp->name = (char *)short_name;
	dp->n_field = e->n_nums;
	dp->field = pbt_arena_calloc(a, e->n_nums ? e->n_nums : 1, sizeof(*dp->field));
	for (i = 0; i < e->n_nums; i++)
		dp->field[i] = make_field(a, dp, form_at(&e->nums[i], k));
	dp->n_reserved_range = e->n_ranges;
	dp->reserved_range = pbt_arena_calloc(a, e->n_ranges ? e->n_ranges : 1,
					      sizeof(*dp->reserved_range));
	for (i = 0; i < e->n_ranges; i++) {
		Google__Protobuf__DescriptorProto__ReservedRange *r = pbt_arena_zalloc(a, sizeof(*r));

		*r = (Google__Protobuf__DescriptorProto__ReservedRange)
			GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__RESERVED_RANGE__INIT;
		r->has_start = r->has_end = 1;
		r->start = (int32_t)e->ranges[i]->number;
		r->end = (int32_t)(e->ranges[i]->end + 1);	/* exclusive here */
		dp->reserved_range[i] = r;
	}
	dp->n_reserved_name = e->n_names;
	dp->reserved_name = pbt_arena_calloc(a, e->n_names ? e->n_names : 1, sizeof(char *));
	for (i = 0; i < e->n_names; i++)
		dp->reserved_name[i] = (char *)e->names[i]->name;
	if (e->map_entry) {
		Google__Protobuf__MessageOptions *o = pbt_arena_zalloc(a, sizeof(*o));

		*o = (Google__Protobuf__MessageOptions)GOOGLE__PROTOBUF__MESSAGE_OPTIONS__INIT;
		o->has_map_entry = 1;
		o->map_entry = 1;
		dp->options = o;
	}
	return dp;
}

static ep_t *make_enum(struct pbt_arena *a, const struct elem *e,
		       const char *short_name, size_t k)
{
	ep_t *ep = pbt_arena_zalloc(a, sizeof(*ep));
	size_t i, j, n = 0;
	bool alias = false;

	*ep = (ep_t)GOOGLE__PROTOBUF__ENUM_DESCRIPTOR_PROTO__INIT;
	ep->name = (char *)short_name;
	for (i = 0; i < e->n_nums; i++)
		n += e->nums[i].aliases ? e->nums[i].n : 1;
	ep->value = pbt_arena_calloc(a, n ? n : 1, sizeof(*ep->value));
	for (i = 0; i < e->n_nums; i++) {
		const struct num *nm = &e->nums[i];
		size_t from = nm->aliases ? 0 : (k < nm->n ? k : nm->n - 1);
		size_t to = nm->aliases ? nm->n : from + 1;

		alias |= to - from > 1;
		for (j = from; j < to; j++) {
			vp_t *v = pbt_arena_zalloc(a, sizeof(*v));

			*v = (vp_t)GOOGLE__PROTOBUF__ENUM_VALUE_DESCRIPTOR_PROTO__INIT;
			v->name = (char *)nm->forms[j]->name;
			v->has_number = 1;
			v->number = (int32_t)nm->number;
			ep->value[ep->n_value++] = v;
		}
	}
	ep->n_reserved_range = e->n_ranges;
	ep->reserved_range = pbt_arena_calloc(a, e->n_ranges ? e->n_ranges : 1,
					      sizeof(*ep->reserved_range));
	for (i = 0; i < e->n_ranges; i++) {
		Google__Protobuf__EnumDescriptorProto__EnumReservedRange *r =
			pbt_arena_zalloc(a, sizeof(*r));

		*r = (Google__Protobuf__EnumDescriptorProto__EnumReservedRange)
			GOOGLE__PROTOBUF__ENUM_DESCRIPTOR_PROTO__ENUM_RESERVED_RANGE__INIT;
		r->has_start = r->has_end = 1;
		r->start = (int32_t)e->ranges[i]->number;
		r->end = (int32_t)e->ranges[i]->end;		/* inclusive here too */
		ep->reserved_range[i] = r;
	}
	ep->n_reserved_name = e->n_names;
	ep->reserved_name = pbt_arena_calloc(a, e->n_names ? e->n_names : 1, sizeof(char *));
	for (i = 0; i < e->n_names; i++)
		ep->reserved_name[i] = (char *)e->names[i]->name;
	if (alias) {
		Google__Protobuf__EnumOptions *o = pbt_arena_zalloc(a, sizeof(*o));

		*o = (Google__Protobuf__EnumOptions)GOOGLE__PROTOBUF__ENUM_OPTIONS__INIT;
		o->has_allow_alias = 1;
		o->allow_alias = 1;
		ep->options = o;
	}
	return ep;
}

/*
 * Layer k as a descriptor set: one proto2 file per package, every element
 * at its top level (its full name is all the rules look at).  The
 * package is the full name without its last part, which for a nested
 * element is its parent: the same full names either way.
 */
static struct pbt_schema *make_layer(struct model *m, size_t k, const char *label,
				     struct pbt_err *err)
{
	struct pbt_arena *a = pbt_arena_new();
	Google__Protobuf__FileDescriptorSet set = GOOGLE__PROTOBUF__FILE_DESCRIPTOR_SET__INIT;
	struct pbt_map pkgs;
	struct pkg **list = NULL;
	size_t n_pkgs = 0, cap_pkgs = 0, i, len;
	struct pbt_schema *s;
	uint8_t *bytes;

	pbt_map_init(&pkgs, a, 0);
	for (i = 0; i < m->n; i++) {
		const struct elem *e = m->list[i];
		const char *dot = strrchr(e->name, '.');
		const char *pkg_name = dot ? pbt_arena_strndup(a, e->name, (size_t)(dot - e->name)) : "";
		const char *short_name = dot ? dot + 1 : e->name;
		struct pkg *p = pbt_map_get(&pkgs, pkg_name);

		if (!p) {
			p = pbt_arena_zalloc(a, sizeof(*p));
			p->name = pkg_name;
			p->fd = pbt_arena_zalloc(a, sizeof(*p->fd));
			*p->fd = (fdp_t)GOOGLE__PROTOBUF__FILE_DESCRIPTOR_PROTO__INIT;
			p->fd->name = pbt_arena_printf(a, "%s/%s.proto", label,
						       *pkg_name ? pkg_name : "_");
			p->fd->package = *pkg_name ? (char *)pkg_name : NULL;
			pbt_map_put(&pkgs, pkg_name, p);
			GROW(list, n_pkgs, cap_pkgs, a);
			list[n_pkgs++] = p;
		}
		if (e->is_enum) {
			GROW(p->fd->enum_type, p->fd->n_enum_type, p->cap_enums, a);
			p->fd->enum_type[p->fd->n_enum_type++] = make_enum(a, e, short_name, k);
		} else {
			GROW(p->fd->message_type, p->fd->n_message_type, p->cap_msgs, a);
			p->fd->message_type[p->fd->n_message_type++] =
				make_message(a, e, short_name, k);
		}
	}
	set.n_file = n_pkgs;
	set.file = pbt_arena_calloc(a, n_pkgs ? n_pkgs : 1, sizeof(*set.file));
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
		const struct pbt_rule *r = pbt_rule_find(lock_rules[i]);

		if (r && enabled[pbt_rule_index(r)])
			on[pbt_rule_index(r)] = true;
	}
	memset(&m, 0, sizeof(m));
	m.a = pbt_arena_new();
	pbt_map_init(&m.elems, m.a, 0);
	pbt_map_init(&m.accepted, m.a, 0);
	build_model(&m, l);
	accept_new(&m, l, new);
	for (i = 0; i < m.n; i++) {
		struct elem *e = m.list[i];

		qsort(e->nums, e->n_nums, sizeof(*e->nums), cmp_num);
		for (j = 0; j < e->n_nums; j++) {
			size_t n = e->nums[j].aliases ? 1 : e->nums[j].n;

			if (n > layers)
				layers = n;
		}
	}
	if (!layers && m.n)
		layers = 1;	/* only reserved ranges and names */

	h = pbt_history_new(on);
	for (i = 0; i < layers && !rc; i++) {
		struct pbt_schema *s = make_layer(&m, i, lock_path, err);

		if (!s) {
			/* The lock parsed, so this is ours, but say where. */
			rc = pbt_err_detail(err, "while reading the lock %s", lock_path);
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
