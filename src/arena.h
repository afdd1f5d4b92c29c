#ifndef PBT_ARENA_H
#define PBT_ARENA_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A bump allocator: everything allocated from one arena is freed at once
 * by pbt_arena_free() (upb's upb_Arena).  One schema version lives in one
 * arena.  Allocation never fails: out of memory prints one line and aborts
 * (git's xmalloc), the library's only exit.
 *
 * Built with -DPBT_ARENA_DEBUG (the ASan variant), every allocation is its
 * own malloc() so ASan sees overruns between neighbouring objects.
 */
struct pbt_arena;

struct pbt_arena *pbt_arena_new(void);
void pbt_arena_free(struct pbt_arena *a);

/* n bytes, 8-byte aligned, uninitialised. n may be 0. */
void *pbt_arena_alloc(struct pbt_arena *a, size_t n);
/* n bytes, zeroed. */
void *pbt_arena_zalloc(struct pbt_arena *a, size_t n);
/* count elements of size bytes each, zeroed; aborts on overflow. */
void *pbt_arena_calloc(struct pbt_arena *a, size_t count, size_t size);
char *pbt_arena_strdup(struct pbt_arena *a, const char *s);
char *pbt_arena_strndup(struct pbt_arena *a, const char *s, size_t n);
char *pbt_arena_printf(struct pbt_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *pbt_arena_vprintf(struct pbt_arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Bytes handed out so far (for memory accounting in bench). */
size_t pbt_arena_used(const struct pbt_arena *a);

/* malloc/realloc that abort on failure; for memory outside arenas. */
void *pbt_xmalloc(size_t n);
void *pbt_xcalloc(size_t count, size_t size);
void *pbt_xrealloc(void *p, size_t n);
char *pbt_xstrdup(const char *s);

#endif
