#ifndef PBT_BUF_H
#define PBT_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable, always NUL-terminated byte string (git's strbuf).  The
 * buffer is malloc()ed: pbt_buf_release() frees it, pbt_buf_detach() hands
 * it to the caller.  `buf` is never NULL after the first add; before it,
 * use pbt_buf_str() to get "" instead of NULL.
 */
struct pbt_buf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define PBT_BUF_INIT { NULL, 0, 0 }

void pbt_buf_grow(struct pbt_buf *b, size_t extra);
void pbt_buf_add(struct pbt_buf *b, const void *data, size_t n);
void pbt_buf_adds(struct pbt_buf *b, const char *s);
void pbt_buf_addc(struct pbt_buf *b, char c);
void pbt_buf_addf(struct pbt_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pbt_buf_vaddf(struct pbt_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append s as a JSON string literal, quotes included. */
void pbt_buf_add_json_str(struct pbt_buf *b, const char *s);
/* Append s as buf's (Go's) %q: a double-quoted string, Go escapes. */
void pbt_buf_add_goquote(struct pbt_buf *b, const char *s);
/* The value of hex digit c (either case), or -1. */
int pbt_hex_digit(char c);
/* Length of the valid UTF-8 sequence at p (NUL-terminated), 0 if none. */
size_t pbt_utf8_seq(const char *p);
/* Length of the longest valid UTF-8 prefix of p[0..n) (n: all valid). */
size_t pbt_utf8_valid_prefix(const char *p, size_t n);
void pbt_buf_setlen(struct pbt_buf *b, size_t len);
void pbt_buf_reset(struct pbt_buf *b);
const char *pbt_buf_str(const struct pbt_buf *b);
char *pbt_buf_detach(struct pbt_buf *b);
void pbt_buf_release(struct pbt_buf *b);

#endif
