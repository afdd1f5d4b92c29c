/* Arena and string buffer. */
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "t.h"

static void alignment_and_contents(void)
{
	struct pbt_arena *a = pbt_arena_new();
	char *s;
	int i;

	for (i = 1; i < 5000; i += 7) {
		unsigned char *p = pbt_arena_alloc(a, (size_t)i);

		T_CHECK(((uintptr_t)p & 7) == 0);
		memset(p, 0xab, (size_t)i);
	}
	s = pbt_arena_printf(a, "%s-%d", "x", 42);
	T_EQ_STR(s, "x-42");
	T_CHECK(pbt_arena_used(a) > 5000);
	/* A large allocation gets a block of its own. */
	T_CHECK(pbt_arena_zalloc(a, 10 << 20) != NULL);
	pbt_arena_free(a);
}

static void buf_quoting(void)
{
	struct pbt_buf b = PBT_BUF_INIT;

	T_EQ_STR(pbt_buf_str(&b), "");
	pbt_buf_add_json_str(&b, "a\"b\\c\n<>&\x01");
	T_EQ_STR(b.buf, "\"a\\\"b\\\\c\\n\\u003c\\u003e\\u0026\\u0001\"");
	pbt_buf_reset(&b);
	pbt_buf_add_goquote(&b, "x\"y\t");
	T_EQ_STR(b.buf, "\"x\\\"y\\t\"");
	pbt_buf_reset(&b);
	pbt_buf_addf(&b, "%0300d", 7);
	T_EQ_INT(b.len, 300);
	pbt_buf_release(&b);
}

const struct t_case t_arena_cases[] = {
	{ "alignment_and_contents", alignment_and_contents },
	{ "buf_quoting", buf_quoting },
	{ NULL, NULL },
};
