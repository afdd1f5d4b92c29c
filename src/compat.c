/*
 * Pair the elements of two schema versions and run the rule table over
 * the pairs.  Each kind of pair is walked once, calling every enabled rule
 * of that subject, so adding a rule never adds a pass.  What counts as a
 * break is the rules' business (rule_*.c); ordering, de-duplication and
 * ignores are applied afterwards (findings.c, cmd/).
 */
#include "compat.h"

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allow.h"
#include "arena.h"
#include "buf.h"

/* ---------------------------------------------------------------- reporting */

void pbt_cx_report(struct pbt_cx *cx, struct pbt_file *file,
		   const struct pbt_span *span, struct pbt_file *prev_file,
		   const char *fmt, ...)
{
	struct pbt_finding *f = pbt_findings_add(cx->out);
	va_list ap;

	f->rule = cx->rule->id;
	if (file) {
		f->path = file->name;
		f->package = file->package;
		f->is_import = file->is_import;
	}
	if (span)
		f->span = *span;
	if (prev_file) {
		f->prev_path = prev_file->name;
		f->prev_package = prev_file->package;
		f->prev_is_import = prev_file->is_import;
	}
	va_start(ap, fmt);
	f->message = pbt_arena_vprintf(cx->out->arena, fmt, ap);
	va_end(ap);
	f->subject = pbt_cx_subject(cx);
	pbt_allow_capture(cx, f);
	/* Schema strings die with the schemas; findings must not. */
	if (f->path)
		f->path = pbt_arena_strdup(cx->out->arena, f->path);
	if (f->package)
		f->package = pbt_arena_strdup(cx->out->arena, f->package);
	if (f->prev_path)
		f->prev_path = pbt_arena_strdup(cx->out->arena, f->prev_path);
	if (f->prev_package)
		f->prev_package = pbt_arena_strdup(cx->out->arena, f->prev_package);
}

const char *pbt_cx_subject(struct pbt_cx *cx)
{
	struct pbt_arena *a = cx->out->arena;
	const void *n = cx->subject_new;

	if (!n)
		return NULL;
	switch (cx->subject_kind) {
	case PBT_ON_FILE:
		return pbt_arena_strdup(a, ((const struct pbt_file *)n)->name);
	case PBT_ON_MESSAGE:
		return pbt_arena_strdup(a, ((const struct pbt_message *)n)->full_name);
	case PBT_ON_FIELD: {
		const struct pbt_field *f = n;

		if (f->is_extension)
			return pbt_arena_strdup(a, f->full_name);
		return pbt_arena_printf(a, "%s#%d", f->message->full_name, f->number);
	}
	case PBT_ON_ENUM:
		return pbt_arena_strdup(a, ((const struct pbt_enum *)n)->full_name);
	case PBT_ON_SERVICE:
		return pbt_arena_strdup(a, ((const struct pbt_service *)n)->full_name);
	case PBT_ON_METHOD: {
		const struct pbt_method *m = n;

		return pbt_arena_printf(a, "%s.%s", m->service->full_name, m->name);
	}
	default:
		return NULL;
	}
}

bool pbt_file_span(struct pbt_file *f, const struct pbt_path *path,
		   struct pbt_span *span)
{
	struct pbt_span s;

	if (!f || !pbt_srcloc_find(f, path, &s))
		return false;
	*span = s;
	return true;
}

bool pbt_file_span_sub(struct pbt_file *f,
		       const struct pbt_path *path, int32_t a,
		       struct pbt_span *span)
{
	struct pbt_path p = *path;

	pbt_path_push(&p, a);
	return pbt_file_span(f, &p, span);
}

bool pbt_file_span_sub2(struct pbt_file *f,
			const struct pbt_path *path, int32_t a,
			int32_t b, struct pbt_span *span)
{
	struct pbt_path p = *path;

	pbt_path_push(&p, a);
	pbt_path_push(&p, b);
	return pbt_file_span(f, &p, span);
}

bool pbt_file_span_sub3(struct pbt_file *f,
			const struct pbt_path *path, int32_t a,
			int32_t b, int32_t c, struct pbt_span *span)
{
	struct pbt_path p = *path;

	pbt_path_push(&p, a);
	pbt_path_push(&p, b);
	pbt_path_push(&p, c);
	return pbt_file_span(f, &p, span);
}

bool pbt_file_span_sub4(struct pbt_file *f,
			const struct pbt_path *path, int32_t a,
			int32_t b, int32_t c, int32_t d, struct pbt_span *span)
{
	struct pbt_path p = *path;

	pbt_path_push(&p, a);
	pbt_path_push(&p, b);
	pbt_path_push(&p, c);
	pbt_path_push(&p, d);
	return pbt_file_span(f, &p, span);
}

bool pbt_file_span_deleted(struct pbt_file *f, const char *nested_name,
			   struct pbt_span *span)
{
	const char *pkg = f->package;
	size_t np = strlen(pkg), n = strlen(nested_name);
	char buf[1024];

	if (np + n + 2 > sizeof(buf))
		return false;
	memcpy(buf, pkg, np);
	if (np)
		buf[np++] = '.';
	memcpy(buf + np, nested_name, n + 1);
	for (;;) {
		char *dot = strrchr(buf + np, '.');
		struct pbt_message *m;

		if (!dot)
			return false;
		*dot = '\0';
		m = pbt_schema_message(f->schema, buf);
		if (m && m->file == f) {
			struct pbt_path p;

			pbt_path_message(&p, m);
			if (pbt_file_span(f, &p, span))
				return true;
			/* The parent exists but has no location: buf still
			 * reports it, with an unknown line. */
			memset(span, 0, sizeof(*span));
			return true;
		}
	}
}

const char *pbt_field_description(struct pbt_cx *cx, const struct pbt_field *f)
{
	if (f->is_extension)
		return pbt_arena_printf(cx->tmp,
					"Extension \"%d\" with name \"%s\" on message \"%s\"",
					f->number, f->full_name, f->extendee);
	return pbt_arena_printf(cx->tmp, "Field \"%d\" with name \"%s\" on message \"%s\"",
				f->number, f->name, f->message->name);
}

const char *pbt_q(struct pbt_cx *cx, const char *s)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *r;

	pbt_buf_add_goquote(&b, s ? s : "");
	r = pbt_arena_strdup(cx->tmp, b.buf);
	pbt_buf_release(&b);
	return r;
}

/* ---------------------------------------------------------------- reserved */

bool pbt_message_reserves_number(const pbt_message_proto *dp, int32_t number)
{
	size_t i;

	/* DescriptorProto.ReservedRange: end is exclusive. */
	for (i = 0; i < dp->n_reserved_range; i++) {
		const Google__Protobuf__DescriptorProto__ReservedRange *r = dp->reserved_range[i];

		if (number >= r->start && number < r->end)
			return true;
	}
	return false;
}

bool pbt_message_reserves_name(const pbt_message_proto *dp, const char *name)
{
	size_t i;

	for (i = 0; i < dp->n_reserved_name; i++)
		if (dp->reserved_name[i] && !strcmp(dp->reserved_name[i], name))
			return true;
	return false;
}

bool pbt_enum_reserves_number(const pbt_enum_proto *ep, int32_t number)
{
	size_t i;

	/* EnumReservedRange: end is inclusive. */
	for (i = 0; i < ep->n_reserved_range; i++) {
		const Google__Protobuf__EnumDescriptorProto__EnumReservedRange *r = ep->reserved_range[i];

		if (number >= r->start && number <= r->end)
			return true;
	}
	return false;
}

bool pbt_enum_reserves_name(const pbt_enum_proto *ep, const char *name)
{
	size_t i;

	for (i = 0; i < ep->n_reserved_name; i++)
		if (ep->reserved_name[i] && !strcmp(ep->reserved_name[i], name))
			return true;
	return false;
}

struct named {
	const char *name;
	void *item;
};

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	/* the first declared wins, as a linear scan would have it */
	return c ? c : (x->item > y->item) - (x->item < y->item);
}

/* cx_find() reads an item's name from its start. */
_Static_assert(offsetof(struct pbt_method, name) == 0, "name first");
_Static_assert(offsetof(struct pbt_oneof, name) == 0, "name first");

/* Item `name` of the n items of size bytes at base (indexed in slot x). */
static void *cx_find(struct pbt_cx *cx, struct pbt_cx_names *x,
		     const void *owner, const void *base, size_t n, size_t size,
		     const char *name)
{
	size_t i, lo, hi;

	if (x->of != owner) {
		struct named *v = pbt_arena_calloc(cx->tmp, n + 1, sizeof(*v));

		for (i = 0; i < n; i++) {
			v[i].item = (char *)base + i * size;
			v[i].name = *(const char *const *)v[i].item;
		}
		if (n)
			qsort(v, n, sizeof(*v), cmp_named);
		x->names = pbt_arena_calloc(cx->tmp, n + 1, sizeof(*x->names));
		x->items = pbt_arena_calloc(cx->tmp, n + 1, sizeof(*x->items));
		for (i = 0; i < n; i++) {
			x->names[i] = v[i].name;
			x->items[i] = v[i].item;
		}
		x->n = n;
		x->of = owner;
	}
	lo = 0;
	hi = x->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(x->names[mid], name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n && !strcmp(x->names[lo], name) ? x->items[lo] : NULL;
}

struct pbt_method *pbt_cx_method(struct pbt_cx *cx, const struct pbt_service *s,
				 const char *name)
{
	return cx_find(cx, &cx->by_name[0], s, s->methods, s->n_methods,
		       sizeof(*s->methods), name);
}

struct pbt_oneof *pbt_cx_oneof(struct pbt_cx *cx, const struct pbt_message *m,
			       const char *name)
{
	return cx_find(cx, &cx->by_name[1], m, m->oneofs, m->n_oneofs,
		       sizeof(*m->oneofs), name);
}

static int cmp_range(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort and merge x->r[0..n), sort names[0..nn) (NULLs dropped). */
static void reserved_finish(struct pbt_reserved *x, size_t n, char **names,
			    size_t nn, struct pbt_arena *a)
{
	size_t i, k = 0;

	if (n)
		qsort(x->r, n, sizeof(*x->r), cmp_range);
	for (i = 0; i < n; i++) {
		if (x->r[i][0] > x->r[i][1])
			continue;	/* empty: covers nothing */
		if (k && x->r[i][0] <= x->r[k - 1][1] + 1) {
			if (x->r[i][1] > x->r[k - 1][1])
				x->r[k - 1][1] = x->r[i][1];
			continue;
		}
		x->r[k][0] = x->r[i][0];
		x->r[k][1] = x->r[i][1];
		k++;
	}
	x->n_r = k;
	x->names = pbt_arena_calloc(a, nn + 1, sizeof(*x->names));
	x->n_names = 0;
	for (i = 0; i < nn; i++)
		if (names[i])
			x->names[x->n_names++] = names[i];
	if (x->n_names)
		qsort(x->names, x->n_names, sizeof(*x->names), cmp_cstr);
}

void pbt_reserved_of_message(struct pbt_cx *cx, const pbt_message_proto *dp,
			     struct pbt_reserved *out)
{
	size_t i;

	out->r = pbt_arena_calloc(cx->tmp, dp->n_reserved_range + 1,
				  sizeof(*out->r));
	for (i = 0; i < dp->n_reserved_range; i++) {
		/* end is exclusive in a DescriptorProto */
		out->r[i][0] = dp->reserved_range[i]->start;
		out->r[i][1] = (int64_t)dp->reserved_range[i]->end - 1;
	}
	reserved_finish(out, dp->n_reserved_range, dp->reserved_name,
			dp->n_reserved_name, cx->tmp);
}

void pbt_extensions_of_message(struct pbt_cx *cx, const pbt_message_proto *dp,
			       struct pbt_reserved *out)
{
	size_t i;

	out->r = pbt_arena_calloc(cx->tmp, dp->n_extension_range + 1,
				  sizeof(*out->r));
	for (i = 0; i < dp->n_extension_range; i++) {
		out->r[i][0] = dp->extension_range[i]->start;
		out->r[i][1] = (int64_t)dp->extension_range[i]->end - 1;
	}
	reserved_finish(out, dp->n_extension_range, NULL, 0, cx->tmp);
}

void pbt_reserved_of_enum(struct pbt_cx *cx, const pbt_enum_proto *ep,
			  struct pbt_reserved *out)
{
	size_t i;

	out->r = pbt_arena_calloc(cx->tmp, ep->n_reserved_range + 1,
				  sizeof(*out->r));
	for (i = 0; i < ep->n_reserved_range; i++) {
		out->r[i][0] = ep->reserved_range[i]->start;
		out->r[i][1] = ep->reserved_range[i]->end;	/* inclusive */
	}
	reserved_finish(out, ep->n_reserved_range, ep->reserved_name,
			ep->n_reserved_name, cx->tmp);
}

/* The first range whose end is at or past number. */
static size_t first_ending_at(const struct pbt_reserved *x, int64_t number)
{
	size_t lo = 0, hi = x->n_r;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->r[mid][1] < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool pbt_reserved_number(const struct pbt_reserved *x, int64_t number)
{
	size_t i = first_ending_at(x, number);

	return i < x->n_r && x->r[i][0] <= number;
}

bool pbt_reserved_name(const struct pbt_reserved *x, const char *name)
{
	return x->n_names && bsearch(&name, x->names, x->n_names,
				     sizeof(*x->names), cmp_cstr);
}

size_t pbt_reserved_missing(struct pbt_cx *cx, const struct pbt_reserved *x,
			    int64_t start, int64_t end, int64_t (**out)[2])
{
	size_t i = first_ending_at(x, start), n = 0, cap = 4;
	int64_t at = start;
	int64_t (*v)[2] = pbt_arena_calloc(cx->tmp, cap, sizeof(*v));

	while (at <= end) {
		int64_t next;

		if (i < x->n_r && x->r[i][0] <= at) {
			/* merged: the next range starts later */
			at = x->r[i][1] + 1;
			i++;
			continue;
		}
		next = i < x->n_r && x->r[i][0] <= end ? x->r[i][0] : end + 1;
		if (n == cap) {
			int64_t (*nv)[2] = pbt_arena_calloc(cx->tmp, cap * 2,
							    sizeof(*nv));

			memcpy(nv, v, n * sizeof(*v));
			v = nv;
			cap *= 2;
		}
		v[n][0] = at;
		v[n][1] = next - 1;
		n++;
		at = next;
	}
	*out = v;
	return n;
}

bool pbt_enum_has_number(const struct pbt_enum *e, int32_t number)
{
	size_t i;

	for (i = 0; i < e->n_values; i++)
		if (e->values[i].number == number)
			return true;
	return false;
}

/* ---------------------------------------------------------------- pairing */

static size_t ext_key(char *buf, size_t cap, const char *extendee, int32_t number)
{
	size_t n = strlen(extendee);

	if (n + 16 > cap)
		n = cap - 16;
	memcpy(buf, extendee, n);
	buf[n++] = '\0';
	memcpy(buf + n, &number, sizeof(number));
	return n + sizeof(number);
}

struct pbt_field *pbt_cx_new_extension(struct pbt_cx *cx, const struct pbt_field *old)
{
	char key[1024];
	size_t n, i, j;

	if (!cx->new_ext_ready) {
		pbt_map_init(&cx->new_ext, cx->tmp, cx->new->n_extensions);
		for (i = 0; i < cx->new->n_files; i++) {
			struct pbt_file *f = &cx->new->files[i];

			for (j = 0; j < f->n_extensions; j++) {
				struct pbt_field *e = f->extensions[j];
				char *k;

				n = ext_key(key, sizeof(key), e->extendee, e->number);
				k = pbt_arena_alloc(cx->tmp, n);
				memcpy(k, key, n);
				pbt_map_putn(&cx->new_ext, k, n, e);
			}
		}
		cx->new_ext_ready = true;
	}
	n = ext_key(key, sizeof(key), old->extendee, old->number);
	return pbt_map_getn(&cx->new_ext, key, n);
}

struct run {
	struct pbt_cx *cx;
	const struct pbt_rule *by_subject[8][128];
	size_t n_by_subject[8];
};

static void call(struct run *r, enum pbt_subject s, const void *old, const void *new)
{
	size_t i;

	r->cx->subject_kind = s;
	r->cx->subject_old = s == PBT_ON_SCHEMA ? NULL : old;
	r->cx->subject_new = s == PBT_ON_SCHEMA ? NULL : new;
	for (i = 0; i < r->n_by_subject[s]; i++) {
		r->cx->rule = r->by_subject[s][i];
		r->cx->rule->check(r->cx, old, new);
	}
}

static void run_fields(struct run *r, struct pbt_message *old, struct pbt_message *new)
{
	size_t i;

	for (i = 0; i < old->n_fields; i++) {
		struct pbt_field *of = &old->fields[i];
		struct pbt_field *nf = pbt_message_field(new, of->number);

		if (nf)
			call(r, PBT_ON_FIELD, of, nf);
	}
}

/*
 * The pairs are walked kind by kind (the schema, files, messages and their
 * fields, extensions, enums, services and their methods), each kind in
 * file order.  Two threads share the work by files: the first takes the
 * files before `split`, the second those after, and the findings are put
 * back in the order one thread would have made them.  Nothing the rules
 * read changes while they run, except source locations, which srcloc.c
 * indexes under a lock.
 */
enum phase { PH_SCHEMA, PH_FILES, PH_MESSAGES, PH_EXTENSIONS, PH_ENUMS,
	     PH_SERVICES, PH_N };

struct part {
	struct run r;
	struct pbt_cx cx;
	size_t from, to;		/* old files */
	bool schema;			/* runs the whole-schema rules */
	struct pbt_findings found;
	size_t end[PH_N];		/* found.v[end[p - 1], end[p]): phase p */
};

static void run_part(struct part *pt)
{
	struct run *r = &pt->r;
	struct pbt_cx *cx = &pt->cx;
	struct pbt_schema *old = cx->old, *new = cx->new;
	size_t i, j, k;

	r->cx = cx;
	if (pt->schema && r->n_by_subject[PBT_ON_SCHEMA])
		call(r, PBT_ON_SCHEMA, old, new);
	pt->end[PH_SCHEMA] = pt->found.n;

	if (r->n_by_subject[PBT_ON_FILE])
		for (i = pt->from; i < pt->to; i++) {
			struct pbt_file *of = &old->files[i];
			struct pbt_file *nf = pbt_schema_file(new, of->name);

			if (nf)
				call(r, PBT_ON_FILE, of, nf);
		}
	pt->end[PH_FILES] = pt->found.n;

	if (r->n_by_subject[PBT_ON_MESSAGE] || r->n_by_subject[PBT_ON_FIELD])
		for (i = pt->from; i < pt->to; i++) {
			struct pbt_file *of = &old->files[i];

			for (j = 0; j < of->n_messages; j++) {
				struct pbt_message *om = of->messages[j];
				struct pbt_message *nm = pbt_schema_message(new, om->full_name);

				if (!nm)
					continue;
				if (r->n_by_subject[PBT_ON_MESSAGE])
					call(r, PBT_ON_MESSAGE, om, nm);
				if (r->n_by_subject[PBT_ON_FIELD])
					run_fields(r, om, nm);
			}
		}
	pt->end[PH_MESSAGES] = pt->found.n;

	if (r->n_by_subject[PBT_ON_FIELD])
		for (i = pt->from; i < pt->to; i++) {
			struct pbt_file *of = &old->files[i];

			for (j = 0; j < of->n_extensions; j++) {
				struct pbt_field *oe = of->extensions[j];
				struct pbt_field *ne = pbt_cx_new_extension(cx, oe);

				if (ne)
					call(r, PBT_ON_FIELD, oe, ne);
			}
		}
	pt->end[PH_EXTENSIONS] = pt->found.n;

	if (r->n_by_subject[PBT_ON_ENUM])
		for (i = pt->from; i < pt->to; i++) {
			struct pbt_file *of = &old->files[i];

			for (j = 0; j < of->n_enums; j++) {
				struct pbt_enum *oe = of->enums[j];
				struct pbt_enum *ne = pbt_schema_enum(new, oe->full_name);

				if (ne)
					call(r, PBT_ON_ENUM, oe, ne);
			}
		}
	pt->end[PH_ENUMS] = pt->found.n;

	if (r->n_by_subject[PBT_ON_SERVICE] || r->n_by_subject[PBT_ON_METHOD])
		for (i = pt->from; i < pt->to; i++) {
			struct pbt_file *of = &old->files[i];

			for (j = 0; j < of->n_services; j++) {
				struct pbt_service *os = &of->services[j];
				struct pbt_service *ns = pbt_schema_service(new, os->full_name);

				if (!ns)
					continue;
				if (r->n_by_subject[PBT_ON_SERVICE])
					call(r, PBT_ON_SERVICE, os, ns);
				if (!r->n_by_subject[PBT_ON_METHOD])
					continue;
				for (k = 0; k < os->n_methods; k++) {
					struct pbt_method *om = &os->methods[k];
					struct pbt_method *nm =
						pbt_cx_method(cx, ns, om->name);

					if (nm)
						call(r, PBT_ON_METHOD, om, nm);
				}
			}
		}
	pt->end[PH_SERVICES] = pt->found.n;
}

static void *run_thread(void *arg)
{
	run_part(arg);
	return NULL;
}

/* How much comparing a file takes, roughly: its elements. */
static size_t weight(const struct pbt_file *f)
{
	size_t w = 1 + f->n_enums + f->n_extensions + f->n_services, i;

	for (i = 0; i < f->n_messages; i++)
		w += 1 + f->messages[i]->n_fields;
	return w;
}

static const char *keep(struct pbt_arena *a, const char *s)
{
	return s ? pbt_arena_strdup(a, s) : NULL;
}

/* Findings [from, to) of pt, appended to out with their strings. */
static void take(struct pbt_findings *out, const struct part *pt, size_t from,
		 size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		struct pbt_finding *f = pbt_findings_add(out);

		*f = pt->found.v[i];
		f->path = keep(out->arena, f->path);
		f->message = keep(out->arena, f->message);
		f->prev_path = keep(out->arena, f->prev_path);
		f->package = keep(out->arena, f->package);
		f->prev_package = keep(out->arena, f->prev_package);
		f->subject = keep(out->arena, f->subject);
		f->pair = keep(out->arena, f->pair);
		f->allow_reason = keep(out->arena, f->allow_reason);
		f->allow_problem = keep(out->arena, f->allow_problem);
	}
}

/* Below this many elements a second thread costs more than it saves. */
#define SPLIT_MIN 20000

void pbt_compat_run(struct pbt_schema *old, struct pbt_schema *new,
		    const bool *enabled, struct pbt_findings *out)
{
	pbt_compat_run_split(old, new, enabled, out, SPLIT_MIN);
}

void pbt_compat_run_split(struct pbt_schema *old, struct pbt_schema *new,
			  const bool *enabled, struct pbt_findings *out,
			  size_t split_min)
{
	struct part pt[2];
	size_t i, p, total = 0, half = 0, split;
	pthread_t t;
	bool threaded = false;

	memset(pt, 0, sizeof(pt));
	for (i = 0; i < pbt_n_rules; i++) {
		const struct pbt_rule *rule = &pbt_rules[i];
		struct run *r = &pt[0].r;

		if (enabled[i] && rule->check)
			r->by_subject[rule->subject][r->n_by_subject[rule->subject]++] = rule;
	}
	pt[1].r = pt[0].r;
	for (i = 0; i < old->n_files; i++)
		total += weight(&old->files[i]);
	for (split = 0; split < old->n_files && half < total / 2; split++)
		half += weight(&old->files[split]);
	if (total < split_min)
		split = old->n_files;
	for (p = 0; p < 2; p++) {
		pt[p].cx.old = old;
		pt[p].cx.new = new;
		pt[p].cx.out = &pt[p].found;
		pt[p].cx.tmp = pbt_arena_new();
		pbt_findings_init(&pt[p].found);
	}
	pt[0].schema = true;
	pt[0].to = split;
	pt[1].from = split;
	pt[1].to = old->n_files;
	if (split < old->n_files)
		threaded = !pthread_create(&t, NULL, run_thread, &pt[1]);
	run_part(&pt[0]);
	if (threaded)
		pthread_join(t, NULL);
	else if (split < old->n_files)
		run_part(&pt[1]);
	for (i = 0; i < PH_N; i++)
		for (p = 0; p < 2; p++)
			take(out, &pt[p], i ? pt[p].end[i - 1] : 0, pt[p].end[i]);
	for (p = 0; p < 2; p++) {
		pbt_findings_release(&pt[p].found);
		pbt_arena_free(pt[p].cx.tmp);
	}
}
