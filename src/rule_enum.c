/*
 * Rules over a pair of enums with the same full name: deleted values,
 * renamed values, shrunk reserved ranges, open/closed and JSON format.
 * Values are matched by number; one number may carry several names
 * (allow_alias), and a name set may only grow.
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "compat.h"

/* EnumDescriptorProto / EnumOptions field numbers, for source paths. */
enum { ED_OPTIONS = 3 };

static void enum_span(const struct pbt_enum *e, struct pbt_span *span)
{
	struct pbt_path p;

	memset(span, 0, sizeof(*span));
	pbt_path_enum(&p, e);
	pbt_file_span(e->file, &p, span);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * An enum's values sorted by number (declaration order within a number),
 * so that each number is looked at once and looked up by bisection: a set
 * may hold an enum of 50,000 values, and scanning all of them per value
 * took minutes and, allocating per value, 24 GB.
 */
struct by_number {
	const struct pbt_enum_value **v;	/* NULL: base is in order */
	const struct pbt_enum_value *base;
	size_t n;
};

static const struct pbt_enum_value *value_at(const struct by_number *b, size_t i)
{
	return b->v ? b->v[i] : &b->base[i];
}

static int cmp_value(const void *a, const void *b)
{
	const struct pbt_enum_value *x = *(const struct pbt_enum_value *const *)a;
	const struct pbt_enum_value *y = *(const struct pbt_enum_value *const *)b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static void by_number(struct pbt_cx *cx, const struct pbt_enum *e, struct by_number *out)
{
	size_t i;

	out->n = e->n_values;
	out->base = e->values;
	out->v = NULL;
	/* Declaration order is by number in most enums: nothing to do. */
	for (i = 1; i < e->n_values; i++)
		if (e->values[i].number < e->values[i - 1].number)
			break;
	if (i >= e->n_values)
		return;
	out->v = pbt_arena_alloc(cx->tmp, e->n_values * sizeof(*out->v));
	for (i = 0; i < e->n_values; i++)
		out->v[i] = &e->values[i];
	qsort(out->v, out->n, sizeof(*out->v), cmp_value);
}

/* The values with number: *start and the count (0 if none). */
static size_t run_of(const struct by_number *b, int32_t number, size_t *start)
{
	size_t lo = 0, hi = b->n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (value_at(b, mid)->number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < b->n && value_at(b, end)->number == number; end++)
		;
	*start = lo;
	return end - lo;
}

/*
 * The names of the run of len values at start, sorted and unique; a run
 * of one (most numbers) in *one, without allocating.
 */
static size_t run_names(struct pbt_cx *cx, const struct by_number *b, size_t start,
			size_t len, const char ***out, const char **one)
{
	const char **v;
	size_t i, n = 0;

	if (len == 1) {
		*one = value_at(b, start)->name;
		*out = one;
		return 1;
	}
	v = pbt_arena_alloc(cx->tmp, (len + 1) * sizeof(*v));
	for (i = 0; i < len; i++)
		v[i] = value_at(b, start + i)->name;
	if (len > 1)
		qsort(v, len, sizeof(*v), cmp_str);
	for (i = 0; i < len; i++)
		if (!n || strcmp(v[n - 1], v[i]))
			v[n++] = v[i];
	*out = v;
	return n;
}

/* "A", "B" (buf's stringutil.JoinSliceQuoted). */
static const char *join_quoted(struct pbt_cx *cx, const char **v, size_t n)
{
	struct pbt_buf b = PBT_BUF_INIT;
	const char *s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			pbt_buf_adds(&b, ", ");
		pbt_buf_add_goquote(&b, v[i]);
	}
	s = pbt_arena_strdup(cx->tmp, pbt_buf_str(&b));
	pbt_buf_release(&b);
	return s;
}

enum allow { ALLOW_NONE, ALLOW_NUMBER_RESERVED, ALLOW_NAME_RESERVED };

static void value_no_delete(struct pbt_cx *cx, const void *o, const void *n, enum allow allow)
{
	const struct pbt_enum *oe = o, *ne = n;
	struct by_number ob, nb;
	struct pbt_reserved rsv;
	struct pbt_span span;
	bool located = false;
	size_t i, j, len, at;

	by_number(cx, oe, &ob);
	by_number(cx, ne, &nb);
	pbt_reserved_of_enum(cx, ne->ep, &rsv);
	for (i = 0; i < ob.n; i += len) {
		int32_t num = value_at(&ob, i)->number;
		const char *suffix = "";

		len = run_of(&ob, num, &at);
		if (run_of(&nb, num, &at))
			continue;
		if (allow == ALLOW_NUMBER_RESERVED) {
			if (pbt_reserved_number(&rsv, num))
				continue;
			suffix = pbt_arena_printf(cx->tmp, " without reserving the number \"%d\"", num);
		} else if (allow == ALLOW_NAME_RESERVED) {
			const char **names, *one;
			size_t nn = run_names(cx, &ob, i, len, &names, &one);
			bool all = true;

			for (j = 0; j < nn && all; j++)
				all = pbt_reserved_name(&rsv, names[j]);
			if (all)
				continue;
			suffix = pbt_arena_printf(cx->tmp, " without reserving the name%s %s",
						  nn > 1 ? "s" : "", join_quoted(cx, names, nn));
		}
		if (!located) {
			enum_span(ne, &span);
			located = true;
		}
		/*
		 * Without a position in NEW, buf names the OLD file (line 1):
		 * seen with protoc output lacking --include_source_info for an
		 * enum that moved to another file.  Other enum rules name NEW.
		 */
		pbt_cx_report(cx, span.start_line ? ne->file : oe->file,
			      &span, oe->file,
			      "Previously present enum value \"%d\" on enum \"%s\" was deleted%s.",
			      num, ne->name, suffix);
	}
}

void pbt_check_enum_value_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	value_no_delete(cx, o, n, ALLOW_NONE);
}

void pbt_check_enum_value_no_delete_unless_number_reserved(struct pbt_cx *cx,
							     const void *o, const void *n)
{
	value_no_delete(cx, o, n, ALLOW_NUMBER_RESERVED);
}

void pbt_check_enum_value_no_delete_unless_name_reserved(struct pbt_cx *cx,
							   const void *o, const void *n)
{
	value_no_delete(cx, o, n, ALLOW_NAME_RESERVED);
}

/*
 * A number's names may only grow (allow_alias).  buf reports at every NEW
 * value that carries a number whose old names are not all kept.
 */
void pbt_check_enum_value_same_name(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_enum *oe = o, *ne = n;
	struct by_number ob, nb;
	size_t i, j, k, len;

	by_number(cx, oe, &ob);
	by_number(cx, ne, &nb);
	/* Each number once; the finding goes to each of its NEW values. */
	for (i = 0; i < nb.n; i += len) {
		int32_t num = value_at(&nb, i)->number;
		const char **on, **nn, *on1, *nn1;
		size_t non, nnn, at, olen;
		bool subset = true;
		const char *from, *to;

		len = run_of(&nb, num, &at);
		olen = run_of(&ob, num, &at);
		if (!olen)
			continue;
		non = run_names(cx, &ob, at, olen, &on, &on1);
		nnn = run_names(cx, &nb, i, len, &nn, &nn1);
		/* both sorted: one merge pass */
		for (j = 0, k = 0; j < non && subset; j++) {
			while (k < nnn && strcmp(nn[k], on[j]) < 0)
				k++;
			subset = k < nnn && !strcmp(nn[k], on[j]);
		}
		if (subset)
			continue;
		from = join_quoted(cx, on, non);
		to = join_quoted(cx, nn, nnn);
		for (j = i; j < i + len; j++) {
			struct pbt_span span;
			struct pbt_path p;

			memset(&span, 0, sizeof(span));
			pbt_path_enum_value(&p, value_at(&nb, j));
			if (!pbt_file_span_sub(ne->file, &p, 2, &span))
				pbt_file_span(ne->file, &p, &span);
			pbt_cx_report(cx, ne->file, &span, oe->file,
				      "Enum value \"%d\" on enum \"%s\" changed name%s from %s to %s.",
				      num, ne->name, non > 1 && nnn > 1 ? "s" : "", from, to);
		}
	}
}

/* ---------------------------------------------------------------- reserved */

static void add_range(struct pbt_buf *b, int64_t s, int64_t e)
{
	if (s == e)
		pbt_buf_addf(b, "[%lld]", (long long)s);
	else if (e >= 2147483647)
		pbt_buf_addf(b, "[%lld,max]", (long long)s);
	else
		pbt_buf_addf(b, "[%lld,%lld]", (long long)s, (long long)e);
}

void pbt_check_reserved_enum_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_enum *oe = o, *ne = n;
	const pbt_enum_proto *op = oe->ep;
	struct pbt_reserved rsv;
	struct pbt_span span;
	struct pbt_buf miss = PBT_BUF_INIT, prev = PBT_BUF_INIT;
	size_t i, j;

	if (!op->n_reserved_range && !op->n_reserved_name)
		return;
	enum_span(ne, &span);
	pbt_reserved_of_enum(cx, ne->ep, &rsv);
	for (i = 0; i < op->n_reserved_range; i++) {
		int64_t start = op->reserved_range[i]->start, end = op->reserved_range[i]->end;
		int64_t (*gap)[2];
		size_t n_gaps = pbt_reserved_missing(cx, &rsv, start, end, &gap);

		if (!n_gaps)
			continue;
		pbt_buf_reset(&miss);
		for (j = 0; j < n_gaps; j++) {
			if (j)
				pbt_buf_adds(&miss, ", ");
			add_range(&miss, gap[j][0], gap[j][1]);
		}
		pbt_buf_reset(&prev);
		add_range(&prev, start, end);
		pbt_cx_report(cx, ne->file, &span, oe->file,
			      "Previously present reserved range \"%s\" on enum \"%s\" is missing values: %s were removed.",
			      pbt_buf_str(&prev), ne->name, pbt_buf_str(&miss));
	}
	for (i = 0; i < op->n_reserved_name; i++)
		if (op->reserved_name[i] && !pbt_reserved_name(&rsv, op->reserved_name[i]))
			pbt_cx_report(cx, ne->file, &span, oe->file,
				      "Previously present reserved name \"%s\" on enum \"%s\" was deleted.",
				      op->reserved_name[i], ne->name);
	pbt_buf_release(&miss);
	pbt_buf_release(&prev);
}

/* ---------------------------------------------------------------- type, JSON */

void pbt_check_enum_same_type(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_enum *oe = o, *ne = n;
	int ot = oe->features.enum_type, nt = ne->features.enum_type;
	struct pbt_span span;
	struct pbt_path p;

	if (ot == nt)
		return;
	memset(&span, 0, sizeof(span));
	pbt_path_enum(&p, ne);
	if (!pbt_file_span_sub3(ne->file, &p, ED_OPTIONS, PBT_FEATURES_ENUM, 2,
				&span))
		pbt_file_span(ne->file, &p, &span);
	pbt_cx_report(cx, ne->file, &span, oe->file, "Enum \"%s\" changed from %s to %s.",
		      ne->name, ot == PBT_ENUM_CLOSED ? "closed" : "open",
		      nt == PBT_ENUM_CLOSED ? "closed" : "open");
}

/*
 * The resolved json_format feature.  buf reads only the feature: the
 * proto2/proto3 option deprecated_legacy_json_field_conflicts, which
 * protoc maps to LEGACY_BEST_EFFORT, does not count (checked with buf
 * 1.75.0: setting it on an enum reports nothing).
 */
static int enum_json_format(const struct pbt_enum *e)
{
	return e->features.json_format;
}

void pbt_check_enum_same_json_format(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_enum *oe = o, *ne = n;
	int ov = enum_json_format(oe), nv = enum_json_format(ne);
	struct pbt_span span;
	struct pbt_path p;

	if (ov != PBT_JSON_ALLOW || nv == PBT_JSON_ALLOW)
		return;
	memset(&span, 0, sizeof(span));
	pbt_path_enum(&p, ne);
	if (!pbt_file_span_sub3(ne->file, &p, ED_OPTIONS, PBT_FEATURES_ENUM, 6,
				&span))
		pbt_file_span(ne->file, &p, &span);
	pbt_cx_report(cx, ne->file, &span, oe->file,
		      "Enum \"%s\" JSON format support changed from %s to %s.", ne->name,
		      "ALLOW", "LEGACY_BEST_EFFORT");
}
