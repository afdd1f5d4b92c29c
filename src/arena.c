/*
 * Arena allocation for one schema version or one operation.  Blocks grow
 * geometrically up to 4 MiB; an allocation larger than a quarter block gets
 * a block of its own so the current block's slack is not wasted.
 *
 * Blocks of MAP_MIN bytes or more are mapped, not malloc()ed: freeing an
 * arena then gives its memory back to the system.  glibc serves large
 * requests from its heap once large blocks have been freed, and keeps
 * what is freed there, so `history`, which loads and frees one version
 * after another, grew by a schema per version.
 */
/* MAP_ANONYMOUS is not POSIX: define this before any header. */
#define _DEFAULT_SOURCE
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MAP_MIN ((size_t)256 * 1024)
#define HUGE ((size_t)2 * 1024 * 1024)

struct block {
	struct block *next;
	size_t size;		/* usable bytes after the header */
	size_t used;
	size_t mapped;		/* bytes mmap()ed, or 0: malloc()ed */
	/* max_align_t alignment for the payload that follows */
	_Alignas(16) unsigned char data[];
};

struct pbt_arena {
	struct block *head;
	size_t next_size;
	size_t used;
};

static void oom(size_t n)
{
	fprintf(stderr, "pbtable: out of memory (allocating %zu bytes)\n", n);
	abort();
}

void *pbt_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *pbt_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (!p)
		oom(count * size);
	return p;
}

void *pbt_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

char *pbt_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(pbt_xmalloc(n), s, n);
}

struct pbt_arena *pbt_arena_new(void)
{
	struct pbt_arena *a = pbt_xcalloc(1, sizeof(*a));

	a->next_size = 64 * 1024;
	return a;
}

/* A block with room for size bytes (NULL when out of memory). */
static struct block *block_new(size_t size)
{
	size_t total = sizeof(struct block) + size;
	struct block *b;

	if (total < size)
		return NULL;
#if defined(MAP_ANONYMOUS) && !defined(PBT_ARENA_DEBUG)
	if (total >= MAP_MIN) {
		void *p;

#ifdef MADV_HUGEPAGE
		if (total >= HUGE && !(total & (HUGE - 1))) {
			/*
			 * Whole huge pages, aligned: one page fault per 2 MiB
			 * instead of 512, which on a VM was a third of the
			 * time of `breaking`.  Only blocks that are whole
			 * huge pages: a partly used one would be backed
			 * whole.
			 */
			size_t want = total;
			char *q = mmap(NULL, want + HUGE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			size_t head;

			if (q == MAP_FAILED)
				return NULL;
			head = (HUGE - ((uintptr_t)q & (HUGE - 1))) & (HUGE - 1);
			if (head)
				munmap(q, head);
			munmap(q + head + want, HUGE - head);
			madvise(q + head, want, MADV_HUGEPAGE);
			b = (struct block *)(q + head);
			b->mapped = want;
			return b;
		}
#endif
		p = mmap(NULL, total, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		b = p;
		b->mapped = total;
		return b;
	}
#endif
	b = malloc(total);
	if (b)
		b->mapped = 0;
	return b;
}

static void block_free(struct block *b)
{
#if defined(MAP_ANONYMOUS) && !defined(PBT_ARENA_DEBUG)
	if (b->mapped) {
		munmap(b, b->mapped);
		return;
	}
#endif
	free(b);
}

void pbt_arena_free(struct pbt_arena *a)
{
	struct block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		block_free(b);
	}
	free(a);
}

size_t pbt_arena_used(const struct pbt_arena *a)
{
	return a->used;
}

#ifdef PBT_ARENA_DEBUG
void *pbt_arena_alloc(struct pbt_arena *a, size_t n)
{
	struct block *b = block_new(n ? n : 1);

	if (!b)
		oom(n);
	b->size = n;
	b->used = n;
	b->next = a->head;
	a->head = b;
	a->used += n;
	return b->data;
}
#else
void *pbt_arena_alloc(struct pbt_arena *a, size_t n)
{
	struct block *b = a->head;
	size_t need = (n + 7) & ~(size_t)7;

	if (need < n)
		oom(n);
	a->used += need;
	if (b && b->size - b->used >= need) {
		void *p = b->data + b->used;

		b->used += need;
		return p;
	}
	if (need > a->next_size / 4) {
		/* Own block, linked behind the current one so its slack stays usable. */
		struct block *big = block_new(need);

		if (!big)
			oom(n);
		big->size = need;
		big->used = need;
		if (b) {
			big->next = b->next;
			b->next = big;
		} else {
			big->next = NULL;
			a->head = big;
		}
		return big->data;
	}
	/* The header inside next_size: blocks of whole pages. */
	b = block_new(a->next_size - sizeof(*b));
	if (!b)
		oom(a->next_size);
	b->size = a->next_size - sizeof(*b);
	b->used = need;
	b->next = a->head;
	a->head = b;
	if (a->next_size < 4 * 1024 * 1024)
		a->next_size *= 2;
	return b->data;
}
#endif

void *pbt_arena_zalloc(struct pbt_arena *a, size_t n)
{
	return memset(pbt_arena_alloc(a, n), 0, n);
}

void *pbt_arena_calloc(struct pbt_arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		oom(SIZE_MAX);
	return pbt_arena_zalloc(a, count * size);
}

char *pbt_arena_strndup(struct pbt_arena *a, const char *s, size_t n)
{
	char *p = pbt_arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *pbt_arena_strdup(struct pbt_arena *a, const char *s)
{
	return pbt_arena_strndup(a, s, strlen(s));
}

char *pbt_arena_vprintf(struct pbt_arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *p;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	p = pbt_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *pbt_arena_printf(struct pbt_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = pbt_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
