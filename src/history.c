/*
 * Transitive history checks.  The question is the union over every pair
 * i < j of what the rules report for (Vi, Vj); answering it with N^2
 * pairwise runs would compare each element with identical copies of
 * itself over and over.  Instead every element is keyed the way compat.c
 * pairs elements (file path, message full name, message + field number,
 * extendee + number, enum full name, service + method name) and each key
 * keeps the list of its distinct earlier forms: an element of Vj is
 * compared with each earlier form that differs from its own and that it
 * has not met yet, with the very check functions `breaking` uses
 * (rules.h).  A form equal to its own is skipped since equal inputs
 * cannot break, and a form it met before gave its findings then.  A
 * message whose whole content is as in the previous version is skipped
 * with its fields.  JSON name reuse, which no pairwise rule sees, is
 * checked here (check_json_reuse()).
 *
 * A form is a signature: the bytes of everything the checks of that
 * subject read.  Equal signatures must mean "no finding between them",
 * and two versions with the same signature must give the same findings
 * against any newer element; so the signature over-approximates (it
 * includes inputs of non-wire rules too) rather than risk missing one.
 * Dropping duplicate findings and picking the pair to report is done at
 * the end (pbt_history_finish()).
 *
 * A version is not kept loaded once added: memory would grow by a whole
 * schema per version.  Its forms keep where their element is (version,
 * file, name), the version keeps its input (mapped: no memory) or, when
 * it had none, its needed files packed again, and a comparison with an
 * old form loads just that file again, with the file of a field's type
 * when it is another's: an enum (its values) or a map entry are all the
 * rules look up about an old element (mini()).  The files in use are
 * cached.
 */
#include "history.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "compat.h"
#include "input.h"
#include "map.h"
#include "pbt.h"
#include "report.h"
#include "rules.h"

#define PBT_HISTORY_MAX_RULES 128

#define FT(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_##x
#define FL(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_##x

struct form {
	struct form *next;
	/*
	 * The element, in `version`: file `file`, found by `where` (the
	 * file, message, enum or extension name; "service.method"; for a
	 * field, its message) and, for a field, its number.
	 */
	const char *where;
	int32_t number;
	uint32_t file;
	uint32_t extra;		/* the file of a field's type, or NO_FILE */
	uint32_t version;	/* where this form first appeared */
	uint32_t index;		/* in its slot's list */
	/* Forms [0, compared) of the slot have been checked against this one
	 * as NEW (or are this one). */
	uint32_t compared;
	uint32_t sig_len;
	bool ext;		/* an extension: where is its full name */
	char sig[];
};

/* One element key: its forms, oldest first. */
struct slot {
	struct form *forms, **tail;
	uint32_t n_forms;
	const char *key;	/* in the global map: kind letter, then name */
};

struct field_slot {
	int32_t number;
	struct slot s;
};

/*
 * A message: its own forms, its fields' slots (sorted by number: fields
 * are found here, not in the global map, which keeps the per-version
 * cost to one global lookup per message), and a hash of its whole
 * content when it was last seen, to skip messages that did not change.
 */
struct message_slot {
	struct slot s;
	struct field_slot *fields;
	size_t n_fields, cap_fields;
	uint64_t deep;
	uint32_t last_version;
	bool seen;
	/* Field numbers by the JSON names they used: sorted by name, each
	 * name's uses in the order they appeared. */
	struct json_use *jsons;
	size_t n_jsons, cap_jsons;
};

/* A field number that used a JSON name, from `version` on. */
struct json_use {
	const char *json;
	const char *name;
	int32_t number;
	uint32_t version;
};

/*
 * What stays of a version once added.  `live` is its schema while it is
 * being added, and for good when borrowed; else its files are loaded
 * again from `bytes` when needed.
 */
struct version {
	const char *label;
	struct pbt_schema *live;
	bool owned;
	struct pbt_mapfile bytes;	/* its input, or its kept files packed */
	size_t *ranges;			/* file i at [ranges[2i], ranges[2i+1]) */
	bool *is_import;
	bool *kept;			/* files with forms, and their types' */
	size_t n_files;
};

#define NO_FILE UINT32_MAX

/* Files of old versions loaded again, most recent use first. */
#define MINIS 32

struct mini {
	uint32_t version, file, extra;
	struct pbt_schema *s;
};

struct pbt_history {
	struct pbt_arena *arena;	/* keys, forms, signatures */
	struct pbt_map slots;		/* key -> struct slot */
	const struct pbt_rule *by_subject[8][128];
	size_t n_by_subject[8];
	struct version *v;
	struct mini minis[MINIS];
	size_t n_minis;
	bool quiet;			/* seeding: record, check nothing */
	size_t n, cap;
	struct pbt_findings all;
	uint32_t *nv, *ov;		/* per finding in all: its pair */
	size_t cap_idx;
	/* The version being added. */
	struct pbt_cx cx;
	struct pbt_map enum_hash;	/* enum type name -> uint64_t * */
	const struct pbt_rule *json_rule;	/* or NULL: JSON name reuse */
	const char **pair_label;	/* "Vj vs Vi" by i, this version */
	struct pbt_buf key, sig, fsig;
	size_t *fsig_end;		/* per field of the current message */
	size_t cap_fsig_end;
};

/* ---------------------------------------------------------------- rules */

void pbt_history_rules(unsigned cats, bool *enabled)
{
	size_t i;

	for (i = 0; i < pbt_n_rules; i++) {
		const struct pbt_rule *r = &pbt_rules[i];

		enabled[i] = r->check && r->subject != PBT_ON_SCHEMA &&
			     (r->cats[PBT_V2] & cats &
			      (PBT_CAT_WIRE | PBT_CAT_WIRE_JSON));
	}
}

struct pbt_history *pbt_history_new(const bool *enabled)
{
	struct pbt_history *h = pbt_xcalloc(1, sizeof(*h));
	size_t i;

	h->arena = pbt_arena_new();
	pbt_map_init(&h->slots, NULL, 0);
	pbt_findings_init(&h->all);
	for (i = 0; i < pbt_n_rules; i++) {
		const struct pbt_rule *r = &pbt_rules[i];
		size_t *n = &h->n_by_subject[r->subject];

		if (!enabled[i] || !r->check || r->subject == PBT_ON_SCHEMA)
			continue;
		if (*n < 128)
			h->by_subject[r->subject][(*n)++] = r;
	}
	if (enabled[pbt_rule_index(pbt_rule_find("FIELD_SAME_JSON_NAME"))])
		h->json_rule = pbt_rule_find("FIELD_SAME_JSON_NAME");
	return h;
}

size_t pbt_history_count(const struct pbt_history *h)
{
	return h->n;
}

void pbt_history_free(struct pbt_history *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->n_minis; i++)
		pbt_schema_free(h->minis[i].s);
	for (i = 0; i < h->n; i++) {
		if (h->v[i].owned)
			pbt_schema_free(h->v[i].live);
		pbt_mapfile_release(&h->v[i].bytes);
	}
	free(h->v);
	free(h->nv);
	free(h->ov);
	pbt_findings_release(&h->all);
	pbt_map_release(&h->slots);
	pbt_buf_release(&h->key);
	pbt_buf_release(&h->sig);
	pbt_buf_release(&h->fsig);
	free(h->fsig_end);
	pbt_arena_free(h->arena);
	free(h);
}

/* ---------------------------------------------------------------- forms */

/*
 * A signature is kept for every form of every element, so it is written
 * compactly, and so that different contents cannot give the same bytes:
 * numbers as varints (zigzag), strings and lists after their length.
 * An absent string is the empty one.
 */
/* A varint at p: its length. */
static size_t put_varint(unsigned char *p, unsigned long long v)
{
	size_t n = 0;

	while (v > 0x7f) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

/* Written in place: this runs for every element of every version. */
static void sig_u(struct pbt_buf *b, unsigned long long v)
{
	pbt_buf_grow(b, 10);
	b->len += put_varint((unsigned char *)b->buf + b->len, v);
	b->buf[b->len] = '\0';
}

static void sig_i(struct pbt_buf *b, long long v)
{
	sig_u(b, ((unsigned long long)v << 1) ^ (unsigned long long)(v >> 63));
}

static void sig_s(struct pbt_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	pbt_buf_grow(b, n + 10);
	b->len += put_varint((unsigned char *)b->buf + b->len, n);
	if (n)
		memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static void sig_features(struct pbt_buf *b, const struct pbt_features *f)
{
	pbt_buf_add(b, f, sizeof(*f));
}

static void sig_file(struct pbt_buf *b, const struct pbt_file *f)
{
	sig_s(b, f->package);
	sig_i(b, f->syntax);
}

static bool field_required(const struct pbt_field *f)
{
	if (f->fp->label == FL(REQUIRED))
		return true;
	return f->file->syntax == PBT_SYNTAX_EDITIONS &&
	       f->fp->label != FL(REPEATED) &&
	       f->features.field_presence == PBT_PRESENCE_LEGACY_REQUIRED;
}

static void sig_message(struct pbt_buf *b, const struct pbt_message *m)
{
	const pbt_message_proto *dp = m->dp;
	uint64_t v;
	size_t i;

	sig_i(b, m->file->syntax);
	sig_features(b, &m->features);
	/* MessageOptions 11: deprecated_legacy_json_field_conflicts */
	sig_i(b, dp->options && pbt_unknown_varint(&dp->options->base, 11, &v) ?
		 (long long)v : -1);
	sig_i(b, dp->options &&
		 dp->options->has_no_standard_descriptor_accessor ?
		 dp->options->no_standard_descriptor_accessor : -1);
	sig_u(b, m->n_fields);
	for (i = 0; i < m->n_fields; i++) {
		const struct pbt_field *f = m->by_number[i];

		sig_i(b, f->number);
		sig_s(b, f->name);
		sig_i(b, field_required(f));
	}
	sig_u(b, dp->n_reserved_range);
	for (i = 0; i < dp->n_reserved_range; i++) {
		sig_i(b, dp->reserved_range[i]->start);
		sig_i(b, dp->reserved_range[i]->end);
	}
	sig_u(b, dp->n_reserved_name);
	for (i = 0; i < dp->n_reserved_name; i++)
		sig_s(b, dp->reserved_name[i]);
	sig_u(b, dp->n_extension_range);
	for (i = 0; i < dp->n_extension_range; i++) {
		sig_i(b, dp->extension_range[i]->start);
		sig_i(b, dp->extension_range[i]->end);
	}
	sig_u(b, m->n_oneofs);
	for (i = 0; i < m->n_oneofs; i++) {
		sig_s(b, m->oneofs[i].name);
		sig_i(b, m->oneofs[i].synthetic);
	}
}

static void sig_enum_values(struct pbt_buf *b, const struct pbt_enum *e)
{
	size_t i;

	sig_u(b, e->n_values);
	for (i = 0; i < e->n_values; i++) {
		sig_i(b, e->values[i].number);
		sig_s(b, e->values[i].name);
	}
}

static void sig_enum(struct pbt_buf *b, const struct pbt_enum *e)
{
	const pbt_enum_proto *ep = e->ep;
	uint64_t v;
	size_t i;

	sig_s(b, e->name);
	sig_i(b, e->file->syntax);
	sig_features(b, &e->features);
	/* EnumOptions 6: deprecated_legacy_json_field_conflicts */
	sig_i(b, ep->options && pbt_unknown_varint(&ep->options->base, 6, &v) ?
		 (long long)v : -1);
	sig_enum_values(b, e);
	sig_u(b, ep->n_reserved_range);
	for (i = 0; i < ep->n_reserved_range; i++) {
		sig_i(b, ep->reserved_range[i]->start);
		sig_i(b, ep->reserved_range[i]->end);
	}
	sig_u(b, ep->n_reserved_name);
	for (i = 0; i < ep->n_reserved_name; i++)
		sig_s(b, ep->reserved_name[i]);
}

/*
 * Enum-typed fields depend on their enum (its short name and values: the
 * wire check and the default value read them).  Hash each enum once per
 * version rather than copying its values into every field's signature.
 */
static uint64_t enum_hash(struct pbt_history *h, const struct pbt_schema *s,
			  const char *type_name)
{
	uint64_t *v = pbt_map_get(&h->enum_hash, type_name);
	const struct pbt_enum *e;
	struct pbt_buf b = PBT_BUF_INIT;

	if (v)
		return *v;
	v = pbt_arena_alloc(h->cx.tmp, sizeof(*v));
	e = pbt_schema_enum(s, type_name);
	if (e) {
		sig_s(&b, e->name);
		sig_enum_values(&b, e);
		*v = pbt_hash(b.buf, b.len);
		pbt_buf_release(&b);
	} else {
		*v = 0;	/* not in the set: the same for every version */
	}
	pbt_map_put(&h->enum_hash, type_name, v);
	return *v;
}

static void sig_field(struct pbt_history *h, struct pbt_buf *b,
		      const struct pbt_field *f)
{
	const pbt_field_proto *fp = f->fp;
	const struct pbt_message *mt;
	const Google__Protobuf__FieldOptions *o = fp->options;

	sig_s(b, f->name);
	sig_s(b, f->full_name);
	sig_s(b, fp->json_name);
	sig_i(b, fp->has_type ? (long long)fp->type : -1);
	sig_i(b, fp->has_label ? (long long)fp->label : -1);
	sig_s(b, f->type_name);
	sig_i(b, fp->has_proto3_optional && fp->proto3_optional);
	sig_i(b, f->file->syntax);
	sig_features(b, &f->features);
	/*
	 * Whether the type is a map entry: pbt_field_is_map() asks for
	 * repeated message fields, kind() in rule_field.c for editions
	 * message fields.  Other fields skip the lookup.
	 */
	mt = NULL;
	if (fp->has_type && fp->type == FT(MESSAGE) &&
	    (fp->label == FL(REPEATED) ||
	     f->file->syntax == PBT_SYNTAX_EDITIONS))
		mt = pbt_field_message_type(f);
	sig_i(b, mt ? mt->is_map_entry : -1);
	sig_i(b, f->oneof != NULL);
	if (f->oneof) {
		sig_s(b, f->oneof->name);
		sig_i(b, f->oneof->synthetic);
	}
	sig_s(b, fp->default_value);
	sig_i(b, o && o->has_jstype ? (long long)o->jstype : -1);
	sig_i(b, o && o->has_ctype ? (long long)o->ctype : -1);
	if (fp->has_type && fp->type == FT(ENUM) && f->type_name)
		sig_i(b, (long long)enum_hash(h, f->file->schema,
					      f->type_name));
}

static void sig_method(struct pbt_buf *b, const struct pbt_method *m)
{
	const pbt_method_proto *mp = m->mp;

	sig_s(b, m->input_type);
	sig_s(b, m->output_type);
	sig_i(b, mp->has_client_streaming && mp->client_streaming);
	sig_i(b, mp->has_server_streaming && mp->server_streaming);
	sig_i(b, mp->options && mp->options->has_idempotency_level ?
		 (long long)mp->options->idempotency_level : -1);
}

/* ---------------------------------------------------------------- comparing */

static void record_pair(struct pbt_history *h, size_t from, uint32_t old_v)
{
	uint32_t new_v = (uint32_t)(h->n - 1);
	size_t i;

	if (h->all.n > h->cap_idx) {
		h->cap_idx = h->all.cap > h->all.n ? h->all.cap : h->all.n;
		h->nv = pbt_xrealloc(h->nv, h->cap_idx * sizeof(*h->nv));
		h->ov = pbt_xrealloc(h->ov, h->cap_idx * sizeof(*h->ov));
	}
	if (from == h->all.n)
		return;
	if (!h->pair_label[old_v])
		h->pair_label[old_v] = pbt_arena_printf(h->all.arena,
			"%s vs %s", h->v[new_v].label, h->v[old_v].label);
	for (i = from; i < h->all.n; i++) {
		h->all.v[i].pair = h->pair_label[old_v];
		h->nv[i] = new_v;
		h->ov[i] = old_v;
	}
}

/* ---------------------------------------------------------------- old versions */

/*
 * The file that field f's type is in, when not f's own and the rules
 * look the type up in the old schema: an enum (its values), a map entry.
 */
static uint32_t type_file(const struct pbt_schema *s, const struct pbt_field *f)
{
	const struct pbt_enum *e;
	const struct pbt_message *m;

	if (!f->type_name)
		return NO_FILE;
	e = pbt_schema_enum(s, f->type_name);
	if (e)
		return e->file != f->file ? e->file->index : NO_FILE;
	m = pbt_schema_message(s, f->type_name);
	return m && m->is_map_entry && m->file != f->file ? m->file->index :
		NO_FILE;
}

/*
 * Once a version is added, keep what its forms need and let its schema
 * go: the input if it has one that stays (a mapped file), else its kept
 * files and their extra files packed again, source info left out.
 */
static void retire(struct version *v)
{
	struct pbt_schema *s = v->live;
	const bool *need;
	size_t i, len = 0;
	uint8_t *buf;

	if (!v->owned)
		return;
	if (s->input.retained && s->input.len) {
		for (i = 0; i < v->n_files; i++) {
			v->ranges[2 * i] = s->files[i].at;
			v->ranges[2 * i + 1] = s->files[i].end;
		}
		pbt_schema_detach_input(s, &v->bytes);
		pbt_schema_free(s);
		v->live = NULL;
		return;
	}
	need = v->kept;
	for (i = 0; i < v->n_files; i++) {
		pbt_file_proto *fd = (pbt_file_proto *)s->files[i].fd;
		protobuf_c_boolean had = fd->has_source_code_info;

		if (!need[i])
			continue;
		fd->has_source_code_info = 0;
		v->ranges[2 * i] = len;
		len += protobuf_c_message_get_packed_size(&fd->base);
		v->ranges[2 * i + 1] = len;
		fd->has_source_code_info = had;
	}
	buf = pbt_xmalloc(len ? len : 1);
	for (i = 0; i < v->n_files; i++) {
		pbt_file_proto *fd = (pbt_file_proto *)s->files[i].fd;
		protobuf_c_boolean had = fd->has_source_code_info;

		if (!need[i])
			continue;
		fd->has_source_code_info = 0;
		protobuf_c_message_pack(&fd->base, buf + v->ranges[2 * i]);
		fd->has_source_code_info = had;
	}
	v->bytes.data = buf;
	v->bytes.copy = buf;
	v->bytes.len = len;
	v->bytes.retained = true;
	pbt_schema_free(s);
	v->live = NULL;
}

/*
 * The schema holding file fi of version vi, with file xi (or NO_FILE):
 * live, cached or loaded.
 */
static const struct pbt_schema *mini(struct pbt_history *h, uint32_t vi,
				     uint32_t fi, uint32_t xi)
{
	const struct version *v = &h->v[vi];
	struct mini m;
	struct pbt_err err;
	size_t ranges[4], n = 0, i;

	if (v->live)
		return v->live;
	for (i = 0; i < h->n_minis; i++)
		if (h->minis[i].version == vi && h->minis[i].file == fi &&
		    h->minis[i].extra == xi)
			break;
	if (i < h->n_minis) {
		m = h->minis[i];
	} else {
		ranges[n++] = v->ranges[2 * fi];
		ranges[n++] = v->ranges[2 * fi + 1];
		if (xi != NO_FILE) {
			ranges[n++] = v->ranges[2 * xi];
			ranges[n++] = v->ranges[2 * xi + 1];
		}
		m.version = vi;
		m.file = fi;
		m.extra = xi;
		m.s = pbt_schema_from_files(v->label, &v->bytes, ranges, n / 2, &err);
		if (!m.s)
			PBT_BUG("history: a version's files no longer load");
		m.s->files[0].is_import = v->is_import[fi];
		if (xi != NO_FILE)
			m.s->files[1].is_import = v->is_import[xi];
		if (h->n_minis == MINIS)
			pbt_schema_free(h->minis[--h->n_minis].s);
		i = h->n_minis++;
	}
	memmove(&h->minis[1], &h->minis[0], i * sizeof(h->minis[0]));
	h->minis[0] = m;
	return m.s;
}

/* The element of form f, in the schema holding it. */
static const void *element(const struct pbt_schema *s, enum pbt_subject kind,
			   const struct form *f)
{
	const struct pbt_service *sv;
	const struct pbt_message *m;
	const char *dot;
	size_t i;

	switch (kind) {
	case PBT_ON_FILE:
		return pbt_schema_file(s, f->where);
	case PBT_ON_MESSAGE:
		return pbt_schema_message(s, f->where);
	case PBT_ON_FIELD:
		if (f->ext)
			return pbt_map_get(&s->extensions, f->where);
		m = pbt_schema_message(s, f->where);
		return m ? pbt_message_field(m, f->number) : NULL;
	case PBT_ON_ENUM:
		return pbt_schema_enum(s, f->where);
	case PBT_ON_METHOD:
		dot = strrchr(f->where, '.');
		if (!dot)
			return NULL;
		for (i = 0; i < s->n_files; i++) {
			size_t j, k;

			for (j = 0; j < s->files[i].n_services; j++) {
				sv = &s->files[i].services[j];
				if (strncmp(sv->full_name, f->where,
					    (size_t)(dot - f->where)) ||
				    sv->full_name[dot - f->where])
					continue;
				for (k = 0; k < sv->n_methods; k++)
					if (!strcmp(sv->methods[k].name, dot + 1))
						return &sv->methods[k];
			}
		}
		return NULL;
	default:
		return NULL;
	}
}

static void check(struct pbt_history *h, enum pbt_subject s,
		  const struct form *old, const void *new)
{
	struct pbt_cx *cx = &h->cx;
	size_t from = h->all.n, i;
	const struct pbt_schema *os;
	const void *oe;

	if (h->quiet)
		return;
	os = mini(h, old->version, old->file, old->extra);
	oe = element(os, s, old);
	if (!oe)
		PBT_BUG("history: an old form's element is gone");
	cx->old = (struct pbt_schema *)os;
	cx->subject_kind = s;
	cx->subject_old = oe;
	cx->subject_new = new;
	for (i = 0; i < h->n_by_subject[s]; i++) {
		cx->rule = h->by_subject[s][i];
		cx->rule->check(cx, oe, new);
	}
	record_pair(h, from, old->version);
}

/*
 * An element of the version being added, with signature sig: check it
 * against the earlier forms of its slot it has not been checked against
 * yet.  A form seen before was checked, when it first appeared, against
 * every form older than itself, and a form identical to its own cannot
 * break, so an element that did not change costs nothing here.
 */
/* Where an element of the version being added is, for its form. */
struct at {
	const struct pbt_file *file;
	const char *where;
	int32_t number;
	bool ext;
};

static void visit(struct pbt_history *h, struct slot *sl, enum pbt_subject s,
		  const void *elem, const char *sig, size_t len,
		  const struct at *at)
{
	struct version *v = &h->v[h->n - 1];
	struct form *f, *same = NULL;

	if (!sl->tail)
		sl->tail = &sl->forms;
	for (f = sl->forms; f && !same; f = f->next)
		if (f->sig_len == len && !memcmp(f->sig, sig, len))
			same = f;
	for (f = sl->forms; f; f = f->next)
		if (f != same && (!same || f->index >= same->compared))
			check(h, s, f, elem);
	if (same) {
		same->compared = sl->n_forms;
		return;
	}
	if (len > UINT32_MAX)
		PBT_BUG("history: a signature over 4 GiB");
	f = pbt_arena_zalloc(h->arena, offsetof(struct form, sig) + len);
	/* A slot key lives as long as h; an extension's name is copied. */
	f->where = at->ext ? pbt_arena_strdup(h->arena, at->where) : at->where;
	f->number = at->number;
	f->ext = at->ext;
	f->file = at->file->index;
	f->extra = s == PBT_ON_FIELD ? type_file(v->live, elem) : NO_FILE;
	v->kept[f->file] = true;
	if (f->extra != NO_FILE)
		v->kept[f->extra] = true;
	f->sig_len = (uint32_t)len;
	memcpy(f->sig, sig, len);
	f->version = (uint32_t)(h->n - 1);
	f->index = sl->n_forms++;
	f->compared = sl->n_forms;
	*sl->tail = f;
	sl->tail = &f->next;
}

/* The slot for key h->key in the global map (created on first use). */
static void *global_slot(struct pbt_history *h, size_t size)
{
	void *sl = pbt_map_getn(&h->slots, h->key.buf, h->key.len);
	char *k;

	if (sl)
		return sl;
	k = pbt_arena_alloc(h->arena, h->key.len + 1);
	memcpy(k, h->key.buf, h->key.len + 1);
	sl = pbt_arena_zalloc(h->arena, size);
	/* Every slot in the map starts with its struct slot. */
	((struct slot *)sl)->key = k;
	pbt_map_putn(&h->slots, k, h->key.len, sl);
	return sl;
}

/*
 * A file, enum, extension or method: found again by its key's name, or
 * an extension by ext_name (its key is extendee and number).
 */
static void visit_key(struct pbt_history *h, enum pbt_subject s,
		      const void *elem, const struct pbt_file *file,
		      const char *ext_name)
{
	struct slot *sl = global_slot(h, sizeof(struct slot));
	struct at at = { file, sl->key + 1, 0, false };

	if (ext_name) {
		at.where = ext_name;
		at.ext = true;
	}
	visit(h, sl, s, elem, h->sig.buf, h->sig.len, &at);
}

static void key_start(struct pbt_history *h, char kind, const char *name)
{
	pbt_buf_reset(&h->key);
	pbt_buf_addc(&h->key, kind);
	pbt_buf_adds(&h->key, name);
	pbt_buf_reset(&h->sig);
}

static void key_number(struct pbt_history *h, int32_t number)
{
	pbt_buf_addc(&h->key, '#');
	pbt_buf_add(&h->key, &number, sizeof(number));
}

static struct slot *field_slot(struct pbt_history *h, struct message_slot *ms,
			       int32_t number, size_t hint)
{
	size_t lo = 0, hi = ms->n_fields;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ms->fields[mid].number == number)
			return &ms->fields[mid].s;
		if (ms->fields[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (ms->n_fields == ms->cap_fields) {
		/* Arena growth: old arrays are garbage until the end, which
		 * is fine for the few messages that gain fields.  hint: the
		 * message's field count, to size the first array. */
		struct field_slot *v;

		ms->cap_fields = ms->cap_fields ? ms->cap_fields * 2 :
				 hint > 8 ? hint : 8;
		v = pbt_arena_calloc(h->arena, ms->cap_fields, sizeof(*v));
		if (ms->n_fields)
			memcpy(v, ms->fields, ms->n_fields * sizeof(*v));
		ms->fields = v;
	}
	memmove(&ms->fields[lo + 1], &ms->fields[lo],
		(ms->n_fields - lo) * sizeof(*ms->fields));
	ms->n_fields++;
	memset(&ms->fields[lo], 0, sizeof(ms->fields[lo]));
	ms->fields[lo].number = number;
	return &ms->fields[lo].s;
}

/*
 * JSON name reuse, which no pairwise rule can see: field 4 "total_cents"
 * (JSON "totalCents") is deleted with its number and name reserved, and
 * a later `string totalCents = 5` takes the JSON key, so JSON written by
 * the old version now fills field 5.  Reported as FIELD_SAME_JSON_NAME,
 * the rule that guards a field's JSON name, on the newer field.
 */
/* The first use of JSON name j in ms (or where it would go). */
static size_t json_first(const struct message_slot *ms, const char *j)
{
	size_t lo = 0, hi = ms->n_jsons;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ms->jsons[mid].json, j) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void check_json_reuse(struct pbt_history *h, struct message_slot *ms,
			     const struct pbt_message *m)
{
	struct pbt_cx *cx = &h->cx;
	size_t i;

	for (i = 0; i < m->n_fields; i++) {
		const struct pbt_field *f = &m->fields[i];
		const char *j = pbt_field_json_name(cx->tmp, f);
		size_t at = json_first(ms, j);
		bool known = false;
		struct json_use *u;

		for (; at < ms->n_jsons && !strcmp(ms->jsons[at].json, j); at++) {
			size_t from = h->all.n;
			struct pbt_span span;
			struct pbt_path p;

			u = &ms->jsons[at];
			if (u->number == f->number) {
				known = true;
				continue;
			}
			if (h->quiet)
				continue;
			memset(&span, 0, sizeof(span));
			pbt_path_field(&p, f);
			if (!pbt_file_span_sub(f->file, &p, 10, &span))
				pbt_file_span(f->file, &p, &span);
			cx->rule = h->json_rule;
			cx->subject_kind = PBT_ON_FIELD;
			cx->subject_old = NULL;
			cx->subject_new = f;
			pbt_cx_report(cx, f->file, &span, NULL,
				      "%s has JSON name %s, which field \"%d\""
				      " with name \"%s\" had before.",
				      pbt_field_description(cx, f),
				      pbt_q(cx, j), u->number, u->name);
			record_pair(h, from, u->version);
		}
		if (known)
			continue;
		/* After the name's other uses: they stay in order. */
		if (ms->n_jsons == ms->cap_jsons) {
			struct json_use *v;

			ms->cap_jsons = ms->cap_jsons ? 2 * ms->cap_jsons :
				(m->n_fields > 4 ? m->n_fields : 4);
			v = pbt_arena_alloc(h->arena, ms->cap_jsons * sizeof(*v));
			if (ms->n_jsons)
				memcpy(v, ms->jsons, ms->n_jsons * sizeof(*v));
			ms->jsons = v;
		}
		memmove(&ms->jsons[at + 1], &ms->jsons[at],
			(ms->n_jsons - at) * sizeof(*ms->jsons));
		ms->n_jsons++;
		u = &ms->jsons[at];
		u->json = pbt_arena_strdup(h->arena, j);
		u->name = pbt_arena_strdup(h->arena, f->name);
		u->number = f->number;
		u->version = (uint32_t)(h->n - 1);
	}
}

/*
 * A message and its fields.  Field slots hold pointers into the message
 * slot's array, so take them only after every insertion.
 */
static void visit_message(struct pbt_history *h, const struct pbt_message *m)
{
	bool on_msg = h->n_by_subject[PBT_ON_MESSAGE];
	bool on_field = h->n_by_subject[PBT_ON_FIELD];
	uint32_t version = (uint32_t)(h->n - 1);
	struct message_slot *ms;
	uint64_t deep;
	size_t i;

	key_start(h, 'M', m->full_name);
	ms = global_slot(h, sizeof(*ms));
	sig_message(&h->sig, m);
	pbt_buf_reset(&h->fsig);
	if (on_field) {
		if (m->n_fields > h->cap_fsig_end) {
			h->cap_fsig_end = m->n_fields * 2;
			h->fsig_end = pbt_xrealloc(h->fsig_end,
				h->cap_fsig_end * sizeof(*h->fsig_end));
		}
		for (i = 0; i < m->n_fields; i++) {
			sig_field(h, &h->fsig, &m->fields[i]);
			h->fsig_end[i] = h->fsig.len;
		}
	}
	deep = pbt_hash(h->sig.buf, h->sig.len) ^
	       (pbt_hash(pbt_buf_str(&h->fsig), h->fsig.len) *
		0x9e3779b97f4a7c15ull);
	/* Unchanged since the previous version: nothing new to check. */
	if (ms->seen && ms->last_version + 1 == version && ms->deep == deep) {
		ms->last_version = version;
		return;
	}
	ms->seen = true;
	ms->deep = deep;
	ms->last_version = version;
	if (on_msg) {
		struct at at = { m->file, ms->s.key + 1, 0, false };

		visit(h, &ms->s, PBT_ON_MESSAGE, m, h->sig.buf, h->sig.len, &at);
	}
	if (h->json_rule && !m->is_map_entry)
		check_json_reuse(h, ms, m);
	if (!on_field)
		return;
	for (i = 0; i < m->n_fields; i++)
		field_slot(h, ms, m->fields[i].number, m->n_fields);
	for (i = 0; i < m->n_fields; i++) {
		size_t from = i ? h->fsig_end[i - 1] : 0;
		struct at at = { m->file, ms->s.key + 1, m->fields[i].number,
				 false };

		visit(h, field_slot(h, ms, m->fields[i].number, 0), PBT_ON_FIELD,
		      &m->fields[i], h->fsig.buf + from, h->fsig_end[i] - from,
		      &at);
	}
}

static void visit_methods(struct pbt_history *h, const struct pbt_service *sv)
{
	size_t k;

	for (k = 0; k < sv->n_methods; k++) {
		const struct pbt_method *m = &sv->methods[k];

		key_start(h, 'R', sv->full_name);
		pbt_buf_addc(&h->key, '.');
		pbt_buf_adds(&h->key, m->name);
		sig_method(&h->sig, m);
		visit_key(h, PBT_ON_METHOD, m, sv->file, NULL);
	}
}

/*
 * Every element of one file.  Services as a whole are not visited: no
 * wire rule is about one (RPC_NO_DELETE is FILE and PACKAGE only).
 */
static void visit_file(struct pbt_history *h, const struct pbt_file *f)
{
	const size_t *on = h->n_by_subject;
	size_t j;

	if (on[PBT_ON_FILE]) {
		key_start(h, 'F', f->name);
		sig_file(&h->sig, f);
		visit_key(h, PBT_ON_FILE, f, f, NULL);
	}
	if (on[PBT_ON_MESSAGE] || on[PBT_ON_FIELD] || h->json_rule)
		for (j = 0; j < f->n_messages; j++)
			visit_message(h, f->messages[j]);
	for (j = 0; on[PBT_ON_FIELD] && j < f->n_extensions; j++) {
		const struct pbt_field *e = f->extensions[j];

		key_start(h, 'x', e->extendee);
		key_number(h, e->number);
		sig_field(h, &h->sig, e);
		visit_key(h, PBT_ON_FIELD, e, f, e->full_name);
	}
	for (j = 0; on[PBT_ON_ENUM] && j < f->n_enums; j++) {
		key_start(h, 'E', f->enums[j]->full_name);
		sig_enum(&h->sig, f->enums[j]);
		visit_key(h, PBT_ON_ENUM, f->enums[j], f, NULL);
	}
	for (j = 0; on[PBT_ON_METHOD] && j < f->n_services; j++)
		visit_methods(h, &f->services[j]);
}

static void add(struct pbt_history *h, struct pbt_schema *s, const char *label,
		bool owned, bool quiet)
{
	struct version *v;
	size_t i, n = s->n_files;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 8;
		h->v = pbt_xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	h->quiet = quiet;
	v = &h->v[h->n++];
	memset(v, 0, sizeof(*v));
	v->label = pbt_arena_strdup(h->arena, label);
	v->live = s;
	v->owned = owned;
	v->n_files = n;
	v->ranges = pbt_arena_calloc(h->arena, 2 * n + 1, sizeof(*v->ranges));
	v->is_import = pbt_arena_calloc(h->arena, n + 1, sizeof(*v->is_import));
	v->kept = pbt_arena_calloc(h->arena, n + 1, sizeof(*v->kept));
	for (i = 0; i < n; i++)
		v->is_import[i] = s->files[i].is_import;

	memset(&h->cx, 0, sizeof(h->cx));
	h->cx.new = s;
	h->cx.out = &h->all;
	h->cx.tmp = pbt_arena_new();
	pbt_map_init(&h->enum_hash, h->cx.tmp, 0);
	h->pair_label = pbt_arena_calloc(h->cx.tmp, h->n,
					 sizeof(*h->pair_label));

	for (i = 0; i < s->n_files; i++)
		visit_file(h, &s->files[i]);
	record_pair(h, h->all.n, 0);	/* size the index arrays */
	pbt_arena_free(h->cx.tmp);
	memset(&h->cx, 0, sizeof(h->cx));
	h->quiet = false;
	retire(v);
}

void pbt_history_add(struct pbt_history *h, struct pbt_schema *s,
		     const char *label)
{
	add(h, s, label, true, false);
}

void pbt_history_seed(struct pbt_history *h, struct pbt_schema *s,
		      const char *label)
{
	add(h, s, label, true, true);
}

void pbt_history_add_borrowed(struct pbt_history *h, struct pbt_schema *s,
			      const char *label)
{
	add(h, s, label, false, false);
}

/* ---------------------------------------------------------------- finishing */

static const struct pbt_history *sort_h;

static int cmp_nz(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Same finding: rule, element, message; then the earliest pair first. */
static int cmp_identity(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	const struct pbt_finding *fa = &sort_h->all.v[a];
	const struct pbt_finding *fb = &sort_h->all.v[b];
	int c;

	if ((c = strcmp(fa->rule, fb->rule)))
		return c;
	if ((c = cmp_nz(fa->subject, fb->subject)))
		return c;
	if ((c = strcmp(fa->message, fb->message)))
		return c;
	if (sort_h->nv[a] != sort_h->nv[b])
		return sort_h->nv[a] < sort_h->nv[b] ? -1 : 1;
	if (sort_h->ov[a] != sort_h->ov[b])
		return sort_h->ov[a] < sort_h->ov[b] ? -1 : 1;
	return (a > b) - (a < b);
}

static int cmp_output(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	int c;

	if (sort_h->nv[a] != sort_h->nv[b])
		return sort_h->nv[a] < sort_h->nv[b] ? -1 : 1;
	if (sort_h->ov[a] != sort_h->ov[b])
		return sort_h->ov[a] < sort_h->ov[b] ? -1 : 1;
	if ((c = pbt_finding_cmp(&sort_h->all.v[a], &sort_h->all.v[b])))
		return c;
	return (a > b) - (a < b);
}

void pbt_history_finish(struct pbt_history *h, struct pbt_findings *out)
{
	size_t n = h->all.n, i, kept = 0;
	size_t *idx = pbt_xcalloc(n ? n : 1, sizeof(*idx));
	struct pbt_finding *v;

	for (i = 0; i < n; i++)
		idx[i] = i;
	/* qsort has no context argument in C11; this is not reentrant. */
	sort_h = h;
	qsort(idx, n, sizeof(*idx), cmp_identity);
	for (i = 0; i < n; i++) {
		const struct pbt_finding *a = &h->all.v[idx[i]];
		const struct pbt_finding *p =
			kept ? &h->all.v[idx[kept - 1]] : NULL;

		if (p && !strcmp(p->rule, a->rule) &&
		    !cmp_nz(p->subject, a->subject) &&
		    !strcmp(p->message, a->message))
			continue;
		idx[kept++] = idx[i];
	}
	qsort(idx, kept, sizeof(*idx), cmp_output);
	sort_h = NULL;

	v = pbt_xcalloc(kept ? kept : 1, sizeof(*v));
	for (i = 0; i < kept; i++)
		v[i] = h->all.v[idx[i]];
	free(idx);
	pbt_findings_release(out);
	*out = h->all;
	free(out->v);
	out->v = v;
	out->n = kept;
	out->cap = kept ? kept : 1;
	pbt_findings_init(&h->all);
	h->cap_idx = 0;
	free(h->nv);
	free(h->ov);
	h->nv = h->ov = NULL;
}

/* ---------------------------------------------------------------- running */

/*
 * Loading is most of the work (and comparing is not much): a thread
 * loads versions in order while this one compares each as it arrives.
 * At most AHEAD versions are loaded before they are compared, so that
 * memory holds two versions, not all of them.
 */
#define LOADERS 2
#define AHEAD 1

struct loader {
	const char *const *paths;
	const struct pbt_sources *src;
	size_t n, next;
	size_t added;			/* versions compared and let go */
	struct pbt_input *ins;		/* the loaded versions, with shown paths */
	struct pbt_err *errs;
	bool *done;
	bool stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* git:REF without SUBDIR rebuilds what the newest version names. */
static void load_version(const struct loader *l, size_t k, struct pbt_input *in)
{
	pbt_input_open(in, l->paths[k], l->src, NULL, l->paths[l->n - 1], true,
		       &l->errs[k]);
}

/*
 * Findings of version k name files as its input shows them (a source
 * file's path on disk), as `breaking` does.
 */
static void show_paths(struct pbt_history *h, size_t from,
		       const struct pbt_input *in)
{
	size_t i;

	if (!in->arena)
		return;
	for (i = from; i < h->all.n; i++) {
		const char *p = h->all.v[i].path;

		if (p && pbt_input_shown_path(in, p) != p)
			h->all.v[i].path = pbt_arena_strdup(
				h->all.arena, pbt_input_shown_path(in, p));
	}
}

static void *loader_thread(void *arg)
{
	struct loader *l = arg;

	for (;;) {
		size_t k;
		struct pbt_input in;

		pthread_mutex_lock(&l->mu);
		while (!l->stop && l->next < l->n && l->next > l->added + AHEAD)
			pthread_cond_wait(&l->cv, &l->mu);
		if (l->stop || l->next >= l->n) {
			pthread_mutex_unlock(&l->mu);
			return NULL;
		}
		k = l->next++;
		pthread_mutex_unlock(&l->mu);
		load_version(l, k, &in);
		pthread_mutex_lock(&l->mu);
		l->ins[k] = in;
		l->done[k] = true;
		pthread_cond_broadcast(&l->cv);
		pthread_mutex_unlock(&l->mu);
	}
}

static int cats_from_names(const struct pbt_history_opts *o, unsigned *cats,
			   struct pbt_err *err)
{
	size_t i;

	if (!o->n_use) {
		*cats = PBT_CAT_WIRE | PBT_CAT_WIRE_JSON;
		return 0;
	}
	*cats = 0;
	for (i = 0; i < o->n_use; i++) {
		if (!strcmp(o->use[i], "WIRE"))
			*cats |= PBT_CAT_WIRE;
		else if (!strcmp(o->use[i], "WIRE_JSON"))
			*cats |= PBT_CAT_WIRE_JSON;
		else
			return pbt_errf(err, PBT_EUSAGE, NULL,
				"history checks WIRE and WIRE_JSON only,"
				" not '%s'",
					o->use[i]);
	}
	return 0;
}

int pbt_history(const char *const *paths, size_t n,
		const struct pbt_history_opts *opts, struct pbt_report **out,
		struct pbt_err *err)
{
	bool enabled[PBT_HISTORY_MAX_RULES];
	struct pbt_history *h;
	struct pbt_findings fs;
	struct loader l;
	pthread_t t[LOADERS];
	size_t n_threads = 0, k;
	unsigned cats;
	int rc;

	*out = NULL;
	if (!n)
		return pbt_errf(err, PBT_EUSAGE, NULL, "no versions given");
	if (pbt_n_rules > PBT_HISTORY_MAX_RULES)
		PBT_BUG("rule table larger than PBT_HISTORY_MAX_RULES");
	rc = cats_from_names(opts, &cats, err);
	if (rc)
		return rc;
	pbt_history_rules(cats, enabled);
	h = pbt_history_new(enabled);

	memset(&l, 0, sizeof(l));
	l.paths = paths;
	l.src = &opts->src;
	l.n = n;
	l.ins = pbt_xcalloc(n, sizeof(*l.ins));
	l.errs = pbt_xcalloc(n, sizeof(*l.errs));
	l.done = pbt_xcalloc(n, sizeof(*l.done));
	pthread_mutex_init(&l.mu, NULL);
	pthread_cond_init(&l.cv, NULL);
	while (n_threads < LOADERS && n_threads < n &&
	       !pthread_create(&t[n_threads], NULL, loader_thread, &l))
		n_threads++;
	for (k = 0; k < n; k++) {
		struct pbt_schema *s;
		size_t from;

		if (!n_threads) {
			/* No thread could start: load here. */
			load_version(&l, k, &l.ins[k]);
			l.done[k] = true;
		}
		pthread_mutex_lock(&l.mu);
		while (!l.done[k])
			pthread_cond_wait(&l.cv, &l.mu);
		s = l.ins[k].schema;
		l.ins[k].schema = NULL;
		if (!s) {
			l.stop = true;
			pthread_cond_broadcast(&l.cv);
		}
		pthread_mutex_unlock(&l.mu);
		if (!s) {
			*err = l.errs[k];
			if (err->loc.path)
				err->loc.path = err->path;
			rc = -(int)err->code;
			break;
		}
		from = h->all.n;
		pbt_history_add(h, s,
				opts->labels ? opts->labels[k] : paths[k]);
		show_paths(h, from, &l.ins[k]);
		pthread_mutex_lock(&l.mu);
		l.added = k + 1;
		pthread_cond_broadcast(&l.cv);
		pthread_mutex_unlock(&l.mu);
	}
	while (n_threads)
		pthread_join(t[--n_threads], NULL);
	for (k = 0; k < n; k++)
		pbt_input_release(&l.ins[k]);
	free(l.ins);
	free(l.errs);
	free(l.done);
	pthread_mutex_destroy(&l.mu);
	pthread_cond_destroy(&l.cv);
	if (rc) {
		pbt_history_free(h);
		return rc;
	}
	pbt_findings_init(&fs);
	pbt_history_finish(h, &fs);
	pbt_history_free(h);
	*out = pbt_report_from_findings(&fs);
	pbt_findings_release(&fs);
	return 0;
}
