/*
 * `lock update` end to end: read the lock (a missing one is empty), load
 * the set, add (or with prune, keep only) its entries, render.  Writing
 * the file is cmd/'s.
 */
#include "pbt.h"

#include <stdio.h>

#include "lock.h"
#include "input.h"
#include "schema.h"

int pbt_lock_update(const char *set_path, const struct pbt_sources *src,
		    const char *lock_path, bool prune, struct pbt_buf *out,
		    size_t *added, size_t *current, size_t *removed,
		    size_t *total, struct pbt_err *err)
{
	struct pbt_lock old, next;
	struct pbt_schema *s;
	FILE *f;
	size_t i;
	int rc = 0;

	*added = *current = *removed = *total = 0;
	pbt_lock_init(&old);
	/* A missing lock is an empty one: the first update creates it. */
	f = fopen(lock_path, "rb");
	if (f) {
		fclose(f);
		rc = pbt_lock_read(&old, lock_path, err);
	}
	if (rc) {
		pbt_lock_release(&old);
		return rc;
	}
	s = pbt_input_schema(set_path, src, NULL, NULL, true, err);
	if (!s) {
		pbt_lock_release(&old);
		if (err->loc.path)
			err->loc.path = err->path;
		return -(int)err->code;
	}
	pbt_lock_init(&next);
	if (!prune)
		for (i = 0; i < old.n; i++)
			pbt_lock_add(&next, &old.v[i]);
	pbt_lock_add_schema(&next, s, current);
	for (i = 0; i < next.n; i++)
		*added += !pbt_lock_has(&old, next.v[i].text);
	for (i = 0; i < old.n; i++)
		*removed += !pbt_lock_has(&next, old.v[i].text);
	*total = next.n;
	pbt_lock_render(&next, out);
	pbt_lock_release(&next);
	pbt_lock_release(&old);
	pbt_schema_free(s);
	return 0;
}
