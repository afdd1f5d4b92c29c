/*
 * Fuzz target: the pbtable.lock parser.  A lock that parses is rendered,
 * parsed again and rendered again: rendering is canonical, so the two
 * renderings must be the same bytes (a merge tool relies on it).
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "lock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbt_lock a, b;
	struct pbt_buf ra = PBT_BUF_INIT, rb = PBT_BUF_INIT;
	struct pbt_err err;

	pbt_lock_init(&a);
	if (!pbt_lock_parse(&a, "fuzz.lock", (const char *)data, size, &err)) {
		pbt_lock_render(&a, &ra);
		pbt_lock_init(&b);
		/* What pbtable wrote, pbtable must read back, unchanged. */
		if (pbt_lock_parse(&b, "fuzz.lock", ra.buf, ra.len, &err))
			abort();
		pbt_lock_render(&b, &rb);
		if (ra.len != rb.len || memcmp(ra.buf, rb.buf, ra.len))
			abort();
		pbt_lock_release(&b);
	}
	pbt_buf_release(&ra);
	pbt_buf_release(&rb);
	pbt_lock_release(&a);
	return 0;
}
