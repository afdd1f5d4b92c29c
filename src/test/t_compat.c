/*
 * pbt_compat_run() in two threads must give the findings of one thread,
 * in the same order.  Large sets take the two-thread path; testdata's
 * small ones do not, so it is forced here on a generated pair of sets
 * with findings of every kind of pair.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "compat.h"
#include "err.h"
#include "findings.h"
#include "rules.h"
#include "schema.h"
#include "t.h"

#define FILES 40

typedef Google__Protobuf__FieldDescriptorProto fdp;

static fdp *field(struct pbt_arena *a, const char *name, int32_t number,
		  int type, const char *type_name)
{
	fdp *f = pbt_arena_alloc(a, sizeof(*f));

	google__protobuf__field_descriptor_proto__init(f);
	f->name = pbt_arena_strdup(a, name);
	f->json_name = f->name;
	f->has_number = 1;
	f->number = number;
	f->has_label = 1;
	f->label = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL;
	f->has_type = 1;
	f->type = type;
	f->type_name = type_name ? pbt_arena_strdup(a, type_name) : NULL;
	return f;
}

/*
 * File i of version v (0 or 1): a message with four fields and a nested
 * one, an enum, a service.  Version 1 changes something of each kind in
 * some files, and drops the last file.
 */
static Google__Protobuf__FileDescriptorProto *file(struct pbt_arena *a, int i, int v)
{
	Google__Protobuf__FileDescriptorProto *f = pbt_arena_alloc(a, sizeof(*f));
	Google__Protobuf__DescriptorProto *m = pbt_arena_alloc(a, sizeof(*m));
	Google__Protobuf__DescriptorProto *in = pbt_arena_alloc(a, sizeof(*in));
	Google__Protobuf__EnumDescriptorProto *e = pbt_arena_alloc(a, sizeof(*e));
	Google__Protobuf__ServiceDescriptorProto *s = pbt_arena_alloc(a, sizeof(*s));
	Google__Protobuf__FileOptions *o = pbt_arena_alloc(a, sizeof(*o));
	int change = v ? i % 6 : -1;
	size_t k;

	google__protobuf__file_descriptor_proto__init(f);
	google__protobuf__descriptor_proto__init(m);
	google__protobuf__descriptor_proto__init(in);
	google__protobuf__enum_descriptor_proto__init(e);
	google__protobuf__service_descriptor_proto__init(s);
	google__protobuf__file_options__init(o);
	f->name = pbt_arena_printf(a, "f%d.proto", i);
	f->package = pbt_arena_printf(a, "p%d", i % 3);
	f->syntax = (char *)"proto3";
	o->go_package = change == 0 ? pbt_arena_printf(a, "x/p%d", i) :
		pbt_arena_printf(a, "y/p%d", i);
	f->options = o;

	in->name = pbt_arena_printf(a, "In%d", i);
	m->name = pbt_arena_printf(a, "M%d", i);
	m->n_nested_type = change == 1 ? 0 : 1;
	m->nested_type = pbt_arena_alloc(a, sizeof(*m->nested_type));
	m->nested_type[0] = in;
	m->field = pbt_arena_alloc(a, 4 * sizeof(*m->field));
	m->field[m->n_field++] = field(a, "id", 1,
		GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING, NULL);
	m->field[m->n_field++] = field(a, change == 2 ? "count" : "total", 2,
		change == 3 ? GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING :
		GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64, NULL);
	if (change != 4)
		m->field[m->n_field++] = field(a, "note", 3,
			GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING, NULL);
	m->field[m->n_field++] = field(a, "state", 4,
		GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM,
		pbt_arena_printf(a, ".p%d.E%d", i % 3, i));
	f->n_message_type = 1;
	f->message_type = pbt_arena_alloc(a, sizeof(*f->message_type));
	f->message_type[0] = m;

	e->name = pbt_arena_printf(a, "E%d", i);
	e->n_value = change == 5 ? 2 : 3;
	e->value = pbt_arena_alloc(a, 3 * sizeof(*e->value));
	for (k = 0; k < e->n_value; k++) {
		Google__Protobuf__EnumValueDescriptorProto *ev =
			pbt_arena_alloc(a, sizeof(*ev));

		google__protobuf__enum_value_descriptor_proto__init(ev);
		ev->name = pbt_arena_printf(a, "E%d_V%zu", i, k);
		ev->has_number = 1;
		ev->number = (int32_t)k;
		e->value[k] = ev;
	}
	f->n_enum_type = 1;
	f->enum_type = pbt_arena_alloc(a, sizeof(*f->enum_type));
	f->enum_type[0] = e;

	s->name = pbt_arena_printf(a, "S%d", i);
	s->n_method = v && i % 4 == 0 ? 1 : 2;
	s->method = pbt_arena_alloc(a, 2 * sizeof(*s->method));
	for (k = 0; k < s->n_method; k++) {
		Google__Protobuf__MethodDescriptorProto *md =
			pbt_arena_alloc(a, sizeof(*md));

		google__protobuf__method_descriptor_proto__init(md);
		md->name = pbt_arena_printf(a, "Do%zu", k);
		md->input_type = pbt_arena_printf(a, ".p%d.M%d", i % 3, i);
		md->output_type = v && i % 5 == 0 && k ?
			pbt_arena_printf(a, ".p%d.M%d.In%d", i % 3, i, i) : md->input_type;
		s->method[k] = md;
	}
	f->n_service = 1;
	f->service = pbt_arena_alloc(a, sizeof(*f->service));
	f->service[0] = s;
	return f;
}

static struct pbt_schema *version(int v)
{
	struct pbt_arena *a = pbt_arena_new();
	Google__Protobuf__FileDescriptorSet set = GOOGLE__PROTOBUF__FILE_DESCRIPTOR_SET__INIT;
	struct pbt_schema *s;
	struct pbt_err err;
	uint8_t *bytes;
	size_t n;
	int i;

	set.n_file = v ? FILES - 1 : FILES;
	set.file = pbt_arena_alloc(a, FILES * sizeof(*set.file));
	for (i = 0; i < (int)set.n_file; i++)
		set.file[i] = file(a, i, v);
	n = protobuf_c_message_get_packed_size(&set.base);
	bytes = malloc(n);
	protobuf_c_message_pack(&set.base, bytes);
	s = pbt_schema_from_bytes(v ? "new.binpb" : "old.binpb", bytes, n, &err);
	if (!s)
		printf("# %s\n", err.msg);
	free(bytes);
	pbt_arena_free(a);
	return s;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void two_threads_find_what_one_does(void)
{
	struct pbt_schema *old = version(0), *new = version(1);
	bool *all = calloc(pbt_n_rules, sizeof(*all));
	struct pbt_findings one, two;
	size_t i, kinds = 0;
	const char *last = "";

	T_CHECK(old && new);
	if (!old || !new)
		goto out;
	for (i = 0; i < pbt_n_rules; i++)
		all[i] = true;
	pbt_findings_init(&one);
	pbt_findings_init(&two);
	pbt_compat_run_split(old, new, all, &one, SIZE_MAX);
	pbt_compat_run_split(old, new, all, &two, 0);
	T_CHECK(one.n > 100);
	T_EQ_INT(two.n, one.n);
	for (i = 0; i < one.n && i < two.n; i++) {
		const struct pbt_finding *x = &one.v[i], *y = &two.v[i];

		if (strcmp(x->rule, last)) {
			kinds++;
			last = x->rule;
		}
		if (!same(x->rule, y->rule) || !same(x->path, y->path) ||
		    !same(x->message, y->message) || !same(x->subject, y->subject) ||
		    !same(x->prev_path, y->prev_path) ||
		    x->span.start_line != y->span.start_line) {
			printf("# finding %zu differs: %s %s / %s %s\n", i,
			       x->rule, x->message, y->rule, y->message);
			t_failed = 1;
			break;
		}
	}
	/* Findings from files, messages, fields, enums and services. */
	T_CHECK(kinds >= 8);
	pbt_findings_release(&one);
	pbt_findings_release(&two);
out:
	free(all);
	pbt_schema_free(old);
	pbt_schema_free(new);
}

const struct t_case t_compat_cases[] = {
	{ "two_threads_find_what_one_does", two_threads_find_what_one_does },
	{ NULL, NULL },
};
