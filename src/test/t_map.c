/* The string-keyed hash map. */
#include <stdio.h>

#include "arena.h"
#include "map.h"
#include "t.h"

static void put_get_grow(void)
{
	struct pbt_arena *a = pbt_arena_new();
	struct pbt_map m;
	char *keys[5000];
	int i;

	pbt_map_init(&m, a, 0);
	for (i = 0; i < 5000; i++) {
		keys[i] = pbt_arena_printf(a, "pkg.Message%d", i);
		T_CHECK(pbt_map_put(&m, keys[i], keys[i]) == NULL);
	}
	T_EQ_INT(m.count, 5000);
	for (i = 0; i < 5000; i++)
		T_CHECK(pbt_map_get(&m, keys[i]) == keys[i]);
	T_CHECK(pbt_map_get(&m, "pkg.Message5000") == NULL);
	/* put keeps the first value and returns it */
	T_CHECK(pbt_map_put(&m, keys[3], keys[4]) == keys[3]);
	T_CHECK(pbt_map_get(&m, keys[3]) == keys[3]);
	pbt_map_set(&m, keys[3], keys[4]);
	T_CHECK(pbt_map_get(&m, keys[3]) == keys[4]);
	pbt_arena_free(a);
}

static void malloc_backed(void)
{
	struct pbt_map m;
	const struct pbt_map_entry *e;
	size_t it = 0, n = 0;

	pbt_map_init(&m, NULL, 2);
	pbt_map_put(&m, "a", &m);
	pbt_map_put(&m, "b", &m);
	pbt_map_put(&m, "c", &m);
	while (pbt_map_next(&m, &it, &e))
		n++;
	T_EQ_INT(n, 3);
	pbt_map_release(&m);
}

const struct t_case t_map_cases[] = {
	{ "put_get_grow", put_get_grow },
	{ "malloc_backed", malloc_backed },
	{ NULL, NULL },
};
