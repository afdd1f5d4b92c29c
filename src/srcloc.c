/*
 * Lazy per-file index of SourceCodeInfo locations by path.  The first
 * location for a path wins, as in protobuf-go's SourceLocations.ByPath,
 * which is what buf reads.
 */
#include "srcloc.h"

#include <string.h>

#include "arena.h"
#include "desc_load.h"
#include "map.h"

struct pbt_srcloc {
	struct pbt_map by_path;
};

/* Unpack the file's source info (kept as bytes until now) and index it. */
static struct pbt_srcloc *build(struct pbt_file *f)
{
	struct pbt_arena *a = f->schema->arena;
	struct pbt_srcloc *sl = pbt_arena_zalloc(a, sizeof(*sl));
	const Google__Protobuf__SourceCodeInfo *sci =
		pbt_desc_source_info(a, f->fd, &f->schema->input);
	size_t i;

	pbt_map_init(&sl->by_path, a, sci ? sci->n_location : 0);
	if (sci)
		for (i = 0; i < sci->n_location; i++) {
			const Google__Protobuf__SourceCodeInfo__Location *l = sci->location[i];

			if (!l->n_path)
				continue;	/* the whole file: never looked up */
			pbt_map_putn(&sl->by_path, (const char *)l->path,
				     l->n_path * sizeof(int32_t), (void *)l);
		}
	return sl;
}

const Google__Protobuf__SourceCodeInfo__Location *
pbt_srcloc_location(struct pbt_file *f, const struct pbt_path *path)
{
	if (!f || path->overflow)
		return NULL;
	if (!f->fd->has_source_code_info)
		return NULL;
	if (!f->srcloc)
		f->srcloc = build(f);
	return pbt_map_getn(&f->srcloc->by_path, (const char *)path->v,
			    path->n * sizeof(int32_t));
}

static unsigned one_based(int32_t v)
{
	return v >= 0 ? (unsigned)v + 1 : 0;
}

bool pbt_srcloc_find(struct pbt_file *f, const struct pbt_path *path,
		     struct pbt_span *span)
{
	const Google__Protobuf__SourceCodeInfo__Location *l = pbt_srcloc_location(f, path);

	memset(span, 0, sizeof(*span));
	if (!l || (l->n_span != 3 && l->n_span != 4))
		return false;
	span->start_line = one_based(l->span[0]);
	span->start_col = one_based(l->span[1]);
	if (l->n_span == 3) {
		span->end_line = span->start_line;
		span->end_col = one_based(l->span[2]);
	} else {
		span->end_line = one_based(l->span[2]);
		span->end_col = one_based(l->span[3]);
	}
	return true;
}
