/*
 * The list of findings a comparison produces: collection, buf's ordering
 * and de-duplication, filtering.  Formatting is report_*.c's job.
 */
#include "findings.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

void pbt_findings_init(struct pbt_findings *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->arena = pbt_arena_new();
}

void pbt_findings_release(struct pbt_findings *fs)
{
	free(fs->v);
	pbt_arena_free(fs->arena);
	memset(fs, 0, sizeof(*fs));
}

struct pbt_finding *pbt_findings_add(struct pbt_findings *fs)
{
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 64;
		fs->v = pbt_xrealloc(fs->v, fs->cap * sizeof(*fs->v));
	}
	memset(&fs->v[fs->n], 0, sizeof(fs->v[0]));
	return &fs->v[fs->n++];
}

static int cmp_str(const char *a, const char *b)
{
	if (!a)
		return b ? -1 : 0;
	if (!b)
		return 1;
	return strcmp(a, b);
}

static int cmp_uint(unsigned a, unsigned b)
{
	return (a > b) - (a < b);
}

/* Output clamps unknown positions to 1, and so must the ordering. */
static unsigned at_least_1(unsigned v)
{
	return v ? v : 1;
}

int pbt_finding_cmp(const struct pbt_finding *a, const struct pbt_finding *b)
{
	int c;

	if ((c = cmp_str(a->path, b->path)))
		return c;
	if ((c = cmp_uint(at_least_1(a->span.start_line), at_least_1(b->span.start_line))))
		return c;
	if ((c = cmp_uint(at_least_1(a->span.start_col), at_least_1(b->span.start_col))))
		return c;
	if ((c = strcmp(a->rule, b->rule)))
		return c;
	if ((c = strcmp(a->message, b->message)))
		return c;
	if ((c = cmp_uint(at_least_1(a->span.end_line), at_least_1(b->span.end_line))))
		return c;
	if ((c = cmp_uint(at_least_1(a->span.end_col), at_least_1(b->span.end_col))))
		return c;
	return cmp_str(a->pair, b->pair);
}

static int qcmp(const void *x, const void *y)
{
	return pbt_finding_cmp(x, y);
}

void pbt_findings_sort_unique(struct pbt_findings *fs)
{
	size_t i, out = 0;

	if (!fs->n)
		return;
	qsort(fs->v, fs->n, sizeof(*fs->v), qcmp);
	for (i = 0; i < fs->n; i++)
		if (!out || pbt_finding_cmp(&fs->v[out - 1], &fs->v[i]))
			fs->v[out++] = fs->v[i];
	fs->n = out;
}

void pbt_findings_filter(struct pbt_findings *fs,
			 bool (*keep)(const struct pbt_finding *, void *),
			 void *data)
{
	size_t i, out = 0;

	for (i = 0; i < fs->n; i++)
		if (keep(&fs->v[i], data))
			fs->v[out++] = fs->v[i];
	fs->n = out;
}
