/*
 * Lazy per-file index of SourceCodeInfo locations by path.  The first
 * location for a path wins, as in protobuf-go's SourceLocations.ByPath,
 * which is what buf reads.
 */
#include "srcloc.h"

#include <pthread.h>
#include <string.h>

#include "arena.h"
#include "desc_load.h"
#include "map.h"

struct pbt_srcloc {
	struct pbt_map by_path;		/* path -> struct entry */
};

/*
 * A location as its bytes, decoded when first asked for: a file's
 * locations decoded take 7 times their bytes, and few are ever used.
 */
struct entry {
	const uint8_t *bytes;
	size_t len;
	const Google__Protobuf__SourceCodeInfo__Location *loc;
};

/*
 * Index the file's source info (kept as bytes until now).  It is decoded
 * whole once, in a scratch arena, so that what is indexed is what
 * protobuf-c accepts; the index keeps each path and where its location's
 * bytes are.
 */
static struct pbt_srcloc *build(struct pbt_file *f)
{
	struct pbt_arena *a = f->schema->arena;
	struct pbt_arena *tmp = pbt_arena_new();
	struct pbt_srcloc *sl = pbt_arena_zalloc(a, sizeof(*sl));
	const uint8_t **bytes;
	size_t *lens, i, n = 0;
	const Google__Protobuf__SourceCodeInfo *sci =
		pbt_desc_source_locations(tmp, f->fd, &f->schema->input,
					  &bytes, &lens);
	struct entry *e;

	for (i = 0; sci && i < sci->n_location; i++)
		n += sci->location[i]->n_path != 0;
	pbt_map_init(&sl->by_path, a, n);
	e = pbt_arena_alloc(a, (n + 1) * sizeof(*e));
	for (i = 0; sci && i < sci->n_location; i++) {
		const Google__Protobuf__SourceCodeInfo__Location *l = sci->location[i];
		size_t kl = l->n_path * sizeof(int32_t);
		char *key;

		if (!l->n_path)
			continue;	/* the whole file: never looked up */
		key = pbt_arena_alloc(a, kl);
		memcpy(key, l->path, kl);
		e->bytes = bytes[i];
		e->len = lens[i];
		e->loc = NULL;
		if (!pbt_map_putn(&sl->by_path, key, kl, e))
			e++;	/* else the first location for the path wins */
	}
	pbt_arena_free(tmp);
	return sl;
}

/*
 * The only state rules change while they run (compat.c runs them in two
 * threads): a file's index, built on first use, and its locations,
 * decoded on first use, all in the schema's arena.  Few lookups are made
 * (one per finding or so), so one lock for all is enough.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

const Google__Protobuf__SourceCodeInfo__Location *
pbt_srcloc_location(struct pbt_file *f, const struct pbt_path *path)
{
	const Google__Protobuf__SourceCodeInfo__Location *l = NULL;
	struct entry *e;

	if (!f || path->overflow)
		return NULL;
	if (!f->fd->has_source_code_info)
		return NULL;
	pthread_mutex_lock(&lock);
	if (!f->srcloc)
		f->srcloc = build(f);
	e = pbt_map_getn(&f->srcloc->by_path, (const char *)path->v,
			 path->n * sizeof(int32_t));
	if (e && !e->loc)
		e->loc = pbt_desc_location(f->schema->arena, e->bytes, e->len,
					   &f->schema->input);
	if (e)
		l = e->loc;
	pthread_mutex_unlock(&lock);
	return l;
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
