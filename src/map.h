#ifndef PBT_MAP_H
#define PBT_MAP_H

#include <stddef.h>
#include <stdint.h>

struct pbt_arena;

/*
 * A string-keyed hash map (open addressing, linear probing).  Keys are not
 * copied: they must outlive the map (they normally live in the same arena).
 * With an arena the table lives there and pbt_map_release() is a no-op;
 * with a NULL arena it is malloc()ed and pbt_map_release() frees it.
 */
struct pbt_map_entry {
	const char *key;
	void *value;
	/* 32 bits: keys come from inputs of at most 2000 MiB; a schema's
	 * maps take 24 bytes a slot instead of 32. */
	uint32_t len;
	uint32_t hash;		/* the low bits of pbt_hash() */
};

struct pbt_map {
	struct pbt_arena *arena;
	struct pbt_map_entry *slots;
	size_t cap;		/* power of two, or 0 */
	size_t count;
};

/* expect: expected number of keys, to size the table once (0 = grow). */
void pbt_map_init(struct pbt_map *m, struct pbt_arena *arena, size_t expect);
void pbt_map_release(struct pbt_map *m);

uint64_t pbt_hash(const void *data, size_t len);

/* Value for key, or NULL. */
void *pbt_map_get(const struct pbt_map *m, const char *key);
void *pbt_map_getn(const struct pbt_map *m, const char *key, size_t len);
/*
 * Insert key -> value unless key is present.  Returns the existing value
 * when the key was present (and leaves it), else NULL.
 */
void *pbt_map_put(struct pbt_map *m, const char *key, void *value);
void *pbt_map_putn(struct pbt_map *m, const char *key, size_t len, void *value);
/* Replace or insert. */
void pbt_map_set(struct pbt_map *m, const char *key, void *value);

/* Iterate: for (i = 0; pbt_map_next(m, &i, &e); ) ... */
int pbt_map_next(const struct pbt_map *m, size_t *iter,
		 const struct pbt_map_entry **e);

#endif
