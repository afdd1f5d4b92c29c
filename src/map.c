/*
 * String-keyed hash map used for every by-name index of a schema.
 * Hashing is a 64-bit multiply-xorshift over 8-byte words: names are
 * short, and index build time matters at googleapis scale.
 */
#include "map.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

uint64_t pbt_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xff51afd7ed558ccdULL);

	while (len >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		h ^= w * 0xc4ceb9fe1a85ec53ULL;
		h = (h << 27 | h >> 37) * 0x9e3779b97f4a7c15ULL;
		p += 8;
		len -= 8;
	}
	if (len) {
		uint64_t w = 0;

		memcpy(&w, p, len);
		h ^= w * 0xc4ceb9fe1a85ec53ULL;
		h = (h << 27 | h >> 37) * 0x9e3779b97f4a7c15ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static struct pbt_map_entry *alloc_slots(struct pbt_map *m, size_t cap)
{
	if (m->arena)
		return pbt_arena_calloc(m->arena, cap, sizeof(struct pbt_map_entry));
	return pbt_xcalloc(cap, sizeof(struct pbt_map_entry));
}

void pbt_map_init(struct pbt_map *m, struct pbt_arena *arena, size_t expect)
{
	size_t cap = 16;

	m->arena = arena;
	m->count = 0;
	while (cap < expect + expect / 2 + 1)
		cap *= 2;
	m->cap = cap;
	m->slots = alloc_slots(m, cap);
}

void pbt_map_release(struct pbt_map *m)
{
	if (!m->arena)
		free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}

static struct pbt_map_entry *find(const struct pbt_map *m, const char *key,
				  size_t len, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	for (;;) {
		struct pbt_map_entry *e = &m->slots[i];

		if (!e->key)
			return e;
		if (e->hash == (uint32_t)h && e->len == len &&
		    !memcmp(e->key, key, len))
			return e;
		i = (i + 1) & mask;
	}
}

static void grow(struct pbt_map *m)
{
	struct pbt_map_entry *old = m->slots;
	size_t oldcap = m->cap, i;

	m->cap *= 2;
	m->slots = alloc_slots(m, m->cap);
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			*find(m, old[i].key, old[i].len, old[i].hash) = old[i];
	if (!m->arena)
		free(old);
}

void *pbt_map_getn(const struct pbt_map *m, const char *key, size_t len)
{
	struct pbt_map_entry *e;

	if (!m->cap)
		return NULL;
	e = find(m, key, len, pbt_hash(key, len));
	return e->key ? e->value : NULL;
}

void *pbt_map_get(const struct pbt_map *m, const char *key)
{
	return pbt_map_getn(m, key, strlen(key));
}

static struct pbt_map_entry *slot_for(struct pbt_map *m, const char *key,
				      size_t len)
{
	uint64_t h = pbt_hash(key, len);
	struct pbt_map_entry *e;

	if (!m->cap)
		pbt_map_init(m, m->arena, 0);
	if ((m->count + 1) * 3 > m->cap * 2)
		grow(m);
	e = find(m, key, len, h);
	if (!e->key) {
		e->key = key;
		e->len = (uint32_t)len;
		e->hash = (uint32_t)h;
		e->value = NULL;
		m->count++;
	}
	return e;
}

void *pbt_map_putn(struct pbt_map *m, const char *key, size_t len, void *value)
{
	size_t before = m->count;
	struct pbt_map_entry *e = slot_for(m, key, len);

	if (m->count == before)
		return e->value;
	e->value = value;
	return NULL;
}

void *pbt_map_put(struct pbt_map *m, const char *key, void *value)
{
	return pbt_map_putn(m, key, strlen(key), value);
}

void pbt_map_set(struct pbt_map *m, const char *key, void *value)
{
	slot_for(m, key, strlen(key))->value = value;
}

int pbt_map_next(const struct pbt_map *m, size_t *iter,
		 const struct pbt_map_entry **e)
{
	while (*iter < m->cap) {
		const struct pbt_map_entry *s = &m->slots[(*iter)++];

		if (s->key) {
			*e = s;
			return 1;
		}
	}
	return 0;
}
