/*
 * `lock update` and `lock check` end to end: read the lock (a missing one
 * is empty), load the set, add (or with prune, keep only) its entries,
 * render, list the changes, and ask `breaking --lock` what recording the
 * set would accept.  Writing the file, and refusing to, is cmd/'s.
 *
 * The breaks come from pbt_breaking() itself rather than from
 * pbt_lock_check() here, so that the lock can only record what
 * `breaking --lock` passes, with the same config ignores and inline
 * approvals, whatever breaking learns later.  It loads the set a second
 * time; `lock update` is not on anyone's hot path.
 */
#include "pbt.h"

#include <stdio.h>
#include <string.h>

#include "lock.h"
#include "input.h"
#include "report.h"
#include "schema.h"

static bool numbered(enum pbt_lock_kind k)
{
	return k == PBT_LOCK_FIELD || k == PBT_LOCK_VALUE;
}

/* next's entries that old lacks, that it drops, and forms made current. */
static void list_changes(const struct pbt_lock *old,
			 const struct pbt_lock *next, struct pbt_lock_result *out)
{
	size_t i;

	for (i = 0; i < next->n; i++) {
		const struct pbt_lock_entry *e = &next->v[i];
		const struct pbt_lock_entry *was;

		if (!pbt_lock_has(old, e->text)) {
			pbt_buf_addf(&out->changes, "+ %s\n", e->text);
			out->added++;
			continue;
		}
		if (!numbered(e->kind) ||
		    pbt_lock_latest(next, e->kind, e->elem, e->number) != e)
			continue;
		was = pbt_lock_latest(old, e->kind, e->elem, e->number);
		if (was && strcmp(was->text, e->text))
			pbt_buf_addf(&out->changes, "* %s\n", e->text);
	}
	for (i = 0; i < old->n; i++)
		if (!pbt_lock_has(next, old->v[i].text)) {
			pbt_buf_addf(&out->changes, "- %s\n", old->v[i].text);
			out->removed++;
		}
}

static struct pbt_report *no_breaks(void)
{
	struct pbt_findings fs;
	struct pbt_report *r;

	pbt_findings_init(&fs);
	r = pbt_report_from_findings(&fs);
	pbt_findings_release(&fs);
	return r;
}

int pbt_lock_update(const char *set_path, const struct pbt_lock_opts *o,
		    struct pbt_lock_result *out, struct pbt_err *err)
{
	struct pbt_breaking_opts bo;
	struct pbt_lock old, next;
	struct pbt_schema *s;
	bool exists;
	FILE *f;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));	/* empty buffers, no report */
	pbt_lock_init(&old);
	/* A missing lock is an empty one: the first update creates it. */
	f = fopen(o->lock, "rb");
	exists = f != NULL;
	if (f) {
		fclose(f);
		rc = pbt_lock_read(&old, o->lock, err);
	}
	if (rc) {
		pbt_lock_release(&old);
		return rc;
	}
	s = pbt_input_schema(set_path, &o->src, o->config, NULL, true, err);
	if (!s) {
		pbt_lock_release(&old);
		if (err->loc.path)
			err->loc.path = err->path;
		return -(int)err->code;
	}
	pbt_lock_init(&next);
	if (!o->prune)
		for (i = 0; i < old.n; i++)
			pbt_lock_add(&next, &old.v[i]);
	pbt_lock_add_schema(&next, s, &out->current);
	pbt_schema_free(s);
	list_changes(&old, &next, out);
	out->total = next.n;
	pbt_lock_render(&next, &out->text);
	pbt_lock_release(&next);
	pbt_lock_release(&old);
	if (!exists) {
		out->breaks = no_breaks();
		return 0;
	}
	memset(&bo, 0, sizeof(bo));
	bo.config = o->config;
	bo.src = o->src;
	bo.lock = o->lock;
	return pbt_breaking(set_path, NULL, &bo, &out->breaks, err);
}

void pbt_lock_result_release(struct pbt_lock_result *r)
{
	pbt_buf_release(&r->text);
	pbt_buf_release(&r->changes);
	pbt_report_free(r->breaks);
	r->breaks = NULL;
}
