/*
 * Rules over a pair of messages with the same full name: deleted fields
 * and oneofs, shrunk extension and reserved ranges, required fields, and
 * message-level settings.  Findings about a deleted part point at the
 * message in NEW.
 */
#include "rules.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "compat.h"

static void message_span(struct pbt_message *m, struct pbt_span *span)
{
	struct pbt_path p;

	memset(span, 0, sizeof(*span));
	pbt_path_message(&p, m);
	pbt_file_span(m->file, &p, span);
}

/* ---------------------------------------------------------------- fields */

enum allow { ALLOW_NONE, ALLOW_NUMBER_RESERVED, ALLOW_NAME_RESERVED };

static void field_no_delete(struct pbt_cx *cx, const void *o, const void *n,
			    enum allow allow)
{
	const struct pbt_message *om = o;
	struct pbt_message *nm = (struct pbt_message *)n;
	struct pbt_span span;
	struct pbt_reserved rsv;
	bool located = false, indexed = false;
	size_t i;

	for (i = 0; i < om->n_fields; i++) {
		const struct pbt_field *f = &om->fields[i];
		const char *suffix = "";

		if (pbt_message_field(nm, f->number))
			continue;
		if (allow != ALLOW_NONE && !indexed) {
			pbt_reserved_of_message(cx, nm->dp, &rsv);
			indexed = true;
		}
		if (allow == ALLOW_NUMBER_RESERVED) {
			if (pbt_reserved_number(&rsv, f->number))
				continue;
			suffix = pbt_arena_printf(cx->tmp,
				" without reserving the number \"%d\"", f->number);
		} else if (allow == ALLOW_NAME_RESERVED) {
			if (pbt_reserved_name(&rsv, f->name))
				continue;
			suffix = pbt_arena_printf(cx->tmp,
				" without reserving the name \"%s\"", f->name);
		}
		if (!located) {
			message_span(nm, &span);
			located = true;
		}
		pbt_cx_report(cx, nm->file, &span, om->file,
			      "Previously present field \"%d\" with name \"%s\" on message \"%s\" was deleted%s.",
			      f->number, f->name, nm->name, suffix);
	}
}

void pbt_check_field_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	field_no_delete(cx, o, n, ALLOW_NONE);
}

void pbt_check_field_no_delete_unless_number_reserved(struct pbt_cx *cx, const void *o,
							const void *n)
{
	field_no_delete(cx, o, n, ALLOW_NUMBER_RESERVED);
}

void pbt_check_field_no_delete_unless_name_reserved(struct pbt_cx *cx, const void *o,
						      const void *n)
{
	field_no_delete(cx, o, n, ALLOW_NAME_RESERVED);
}

/* ---------------------------------------------------------------- ranges */

/* Inclusive ranges, as buf prints them. */
struct range {
	int64_t start, end;
};

#define MAX_FIELD_NUMBER 536870911
#define MAX_MESSAGE_SET_NUMBER 2147483646

static void add_range_str(struct pbt_buf *b, struct range r, int64_t max)
{
	if (r.start == r.end)
		pbt_buf_addf(b, "[%lld]", (long long)r.start);
	else if (r.end >= max)
		pbt_buf_addf(b, "[%lld,max]", (long long)r.start);
	else
		pbt_buf_addf(b, "[%lld,%lld]", (long long)r.start, (long long)r.end);
}

static void check_ranges(struct pbt_cx *cx, struct pbt_message *nm,
			 struct pbt_file *prev_file, const char *what,
			 const char *kind, const char *name,
			 const struct range *old, size_t n_old,
			 const struct pbt_reserved *new, int64_t max,
			 const struct pbt_span *span)
{
	struct pbt_buf miss = PBT_BUF_INIT, prev = PBT_BUF_INIT;
	size_t i, j;

	for (i = 0; i < n_old; i++) {
		int64_t (*gap)[2];
		size_t n_gaps = pbt_reserved_missing(cx, new, old[i].start, old[i].end, &gap);

		if (!n_gaps)
			continue;
		pbt_buf_reset(&miss);
		for (j = 0; j < n_gaps; j++) {
			if (j)
				pbt_buf_adds(&miss, ", ");
			add_range_str(&miss, (struct range){ gap[j][0], gap[j][1] }, max);
		}
		pbt_buf_reset(&prev);
		add_range_str(&prev, old[i], max);
		pbt_cx_report(cx, nm ? nm->file : NULL, span, prev_file,
			      "Previously present %s range \"%s\" on %s \"%s\" is missing values: %s were removed.",
			      what, pbt_buf_str(&prev), kind, name, pbt_buf_str(&miss));
	}
	pbt_buf_release(&miss);
	pbt_buf_release(&prev);
}

/*
 * The largest field number, which buf prints as "max".  protoc lets a
 * message_set_wire_format message go up to INT32_MAX - 1 (its ranges end
 * at 2147483647, exclusive).  buf 1.75.0 rejects MessageSet images
 * outright, so this cannot be compared; it follows protoc.
 */
static int64_t message_max(const pbt_message_proto *dp)
{
	if (dp->options && dp->options->has_message_set_wire_format &&
	    dp->options->message_set_wire_format)
		return MAX_MESSAGE_SET_NUMBER;
	return MAX_FIELD_NUMBER;
}

static struct range *ext_ranges(struct pbt_cx *cx, const pbt_message_proto *dp)
{
	struct range *r = pbt_arena_calloc(cx->tmp, dp->n_extension_range, sizeof(*r));
	size_t i;

	for (i = 0; i < dp->n_extension_range; i++) {
		r[i].start = dp->extension_range[i]->start;
		r[i].end = (int64_t)dp->extension_range[i]->end - 1;
	}
	return r;
}

static struct range *reserved_ranges(struct pbt_cx *cx, const pbt_message_proto *dp)
{
	struct range *r = pbt_arena_calloc(cx->tmp, dp->n_reserved_range, sizeof(*r));
	size_t i;

	for (i = 0; i < dp->n_reserved_range; i++) {
		r[i].start = dp->reserved_range[i]->start;
		r[i].end = (int64_t)dp->reserved_range[i]->end - 1;
	}
	return r;
}

void pbt_check_extension_message_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_message *om = o;
	struct pbt_message *nm = (struct pbt_message *)n;
	struct pbt_span span;
	struct pbt_reserved rsv;

	if (!om->dp->n_extension_range)
		return;
	message_span(nm, &span);
	pbt_extensions_of_message(cx, nm->dp, &rsv);
	check_ranges(cx, nm, om->file, "extension", "message", nm->name,
		     ext_ranges(cx, om->dp), om->dp->n_extension_range, &rsv,
		     message_max(om->dp), &span);
}

void pbt_check_reserved_message_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_message *om = o;
	struct pbt_message *nm = (struct pbt_message *)n;
	struct pbt_span span;
	struct pbt_reserved rsv;
	size_t i;

	if (!om->dp->n_reserved_range && !om->dp->n_reserved_name)
		return;
	message_span(nm, &span);
	pbt_reserved_of_message(cx, nm->dp, &rsv);
	check_ranges(cx, nm, om->file, "reserved", "message", nm->name,
		     reserved_ranges(cx, om->dp), om->dp->n_reserved_range, &rsv,
		     message_max(om->dp), &span);
	for (i = 0; i < om->dp->n_reserved_name; i++) {
		const char *name = om->dp->reserved_name[i];

		if (name && !pbt_reserved_name(&rsv, name))
			pbt_cx_report(cx, nm->file, &span, om->file,
				      "Previously present reserved name \"%s\" on message \"%s\" was deleted.",
				      name, nm->name);
	}
}

/* ---------------------------------------------------------------- options */

void pbt_check_message_no_remove_standard_descriptor_accessor(struct pbt_cx *cx,
							       const void *o, const void *n)
{
	const struct pbt_message *om = o;
	struct pbt_message *nm = (struct pbt_message *)n;
	const Google__Protobuf__MessageOptions *oo = om->dp->options, *no = nm->dp->options;
	bool ov = oo && oo->has_no_standard_descriptor_accessor && oo->no_standard_descriptor_accessor;
	bool nv = no && no->has_no_standard_descriptor_accessor && no->no_standard_descriptor_accessor;
	struct pbt_path p;
	struct pbt_span span = { 0, 0, 0, 0 };

	if (ov || !nv)
		return;
	pbt_path_message(&p, nm);
	if (!pbt_file_span_sub2(nm->file, &p, 7, 2, &span))
		pbt_file_span(nm->file, &p, &span);
	pbt_cx_report(cx, nm->file, &span, om->file,
		      "Message option \"no_standard_descriptor_accessor\" changed from \"false\" to \"true\".");
}

/*
 * The resolved json_format feature.  As for enums, buf ignores the legacy
 * option deprecated_legacy_json_field_conflicts (buf 1.75.0 reports
 * nothing when a proto3 message gains it).
 */
static int message_json_format(const struct pbt_message *m)
{
	return m->features.json_format;
}

static const char *json_format_name(int v)
{
	return v == PBT_JSON_ALLOW ? "ALLOW" :
	       v == PBT_JSON_LEGACY_BEST_EFFORT ? "LEGACY_BEST_EFFORT" :
	       "JSON_FORMAT_UNKNOWN";
}

void pbt_check_message_same_json_format(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_message *om = o;
	struct pbt_message *nm = (struct pbt_message *)n;
	int ov = message_json_format(om), nv = message_json_format(nm);
	struct pbt_path p;
	struct pbt_span span = { 0, 0, 0, 0 };

	if (ov != PBT_JSON_ALLOW || nv == PBT_JSON_ALLOW)
		return;
	pbt_path_message(&p, nm);
	if (!pbt_file_span_sub3(nm->file, &p, 7, PBT_FEATURES_MESSAGE, 6,
				&span))
		pbt_file_span(nm->file, &p, &span);
	pbt_cx_report(cx, nm->file, &span, om->file,
		      "Message \"%s\" JSON format support changed from %s to %s.",
		      nm->name, json_format_name(ov), json_format_name(nv));
}

/* ---------------------------------------------------------------- required */

/*
 * buf looks at the descriptor's label only: an editions field with
 * features.field_presence = LEGACY_REQUIRED has label OPTIONAL and is
 * not a required field to this rule (buf 1.75.0 reports a proto2
 * `required` field that becomes LEGACY_REQUIRED as deleted), although
 * FIELD_SAME_CARDINALITY calls it required.
 */
static bool field_required(const struct pbt_field *f)
{
	return f->fp->label ==
	       GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED;
}

void pbt_check_message_same_required_fields(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_message *om = o;
	struct pbt_message *nm = (struct pbt_message *)n;
	static const char why[] = "Required fields must always be sent, so if one side "
		"does not know about the required field, this will result in a breakage.";
	struct pbt_span span;
	bool located = false;
	size_t i;

	for (i = 0; i < om->n_fields; i++) {
		const struct pbt_field *of = &om->fields[i], *nf;

		if (!field_required(of))
			continue;
		nf = pbt_message_field(nm, of->number);
		if (nf && field_required(nf))
			continue;
		if (!located) {
			message_span(nm, &span);
			located = true;
		}
		pbt_cx_report(cx, nm->file, &span, om->file,
			      "Message \"%s\" had required field \"%d\" deleted. %s",
			      om->name, of->number, why);
	}
	for (i = 0; i < nm->n_fields; i++) {
		struct pbt_field *nf = &nm->fields[i];
		const struct pbt_field *of;
		struct pbt_path p;
		struct pbt_span fspan = { 0, 0, 0, 0 };

		if (!field_required(nf))
			continue;
		of = pbt_message_field(om, nf->number);
		if (of && field_required(of))
			continue;
		pbt_path_field(&p, nf);
		pbt_file_span(nm->file, &p, &fspan);
		pbt_cx_report(cx, nm->file, &fspan, NULL,
			      "Message \"%s\" had required field \"%d\" added. %s",
			      nm->name, nf->number, why);
	}
}

/* ---------------------------------------------------------------- oneofs */

void pbt_check_oneof_no_delete(struct pbt_cx *cx, const void *o, const void *n)
{
	const struct pbt_message *om = o;
	struct pbt_message *nm = (struct pbt_message *)n;
	struct pbt_span span;
	bool located = false;
	size_t i;

	for (i = 0; i < om->n_oneofs; i++) {
		/* proto3 `optional` oneofs are not oneofs to buf. */
		if (om->oneofs[i].synthetic)
			continue;
		if (pbt_cx_oneof(cx, nm, om->oneofs[i].name))
			continue;
		if (!located) {
			message_span(nm, &span);
			located = true;
		}
		pbt_cx_report(cx, nm->file, &span, om->file,
			      "Previously present oneof \"%s\" on message \"%s\" was deleted.",
			      om->oneofs[i].name, nm->name);
	}
}
