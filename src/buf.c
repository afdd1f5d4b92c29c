/*
 * Growable strings, plus the two quotings every output format needs:
 * JSON string literals and Go's %q (buf prints names with %q).
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

void pbt_buf_grow(struct pbt_buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;

	if (want <= b->alloc)
		return;
	if (want < b->alloc * 2)
		want = b->alloc * 2;
	if (want < 64)
		want = 64;
	b->buf = pbt_xrealloc(b->buf, want);
	b->alloc = want;
}

void pbt_buf_add(struct pbt_buf *b, const void *data, size_t n)
{
	pbt_buf_grow(b, n);
	if (n)
		memcpy(b->buf + b->len, data, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void pbt_buf_adds(struct pbt_buf *b, const char *s)
{
	pbt_buf_add(b, s, strlen(s));
}

void pbt_buf_addc(struct pbt_buf *b, char c)
{
	pbt_buf_grow(b, 1);
	b->buf[b->len++] = c;
	b->buf[b->len] = '\0';
}

void pbt_buf_vaddf(struct pbt_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	pbt_buf_grow(b, 64);
	n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= b->alloc - b->len) {
		pbt_buf_grow(b, (size_t)n);
		vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void pbt_buf_addf(struct pbt_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pbt_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

static size_t utf8_rune(const unsigned char *p, unsigned *rune);

void pbt_buf_add_json_str(struct pbt_buf *b, const char *s)
{
	const unsigned char *p;

	pbt_buf_addc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80) {
			unsigned r;
			size_t n = utf8_rune(p, &r);

			/*
			 * As Go's encoding/json: a byte that is not UTF-8 (names
			 * from a hostile set) becomes U+FFFD, so the document
			 * stays JSON; U+2028/9 are escaped for JavaScript.
			 */
			if (!n)
				pbt_buf_adds(b, "\\ufffd");
			else if (r == 0x2028 || r == 0x2029)
				pbt_buf_addf(b, "\\u%04x", r);
			else
				pbt_buf_add(b, (const char *)p, n);
			p += n ? n - 1 : 0;
			continue;
		}
		switch (*p) {
		case '"': pbt_buf_adds(b, "\\\""); break;
		case '\\': pbt_buf_adds(b, "\\\\"); break;
		case '\n': pbt_buf_adds(b, "\\n"); break;
		case '\r': pbt_buf_adds(b, "\\r"); break;
		case '\t': pbt_buf_adds(b, "\\t"); break;
		default:
			if (*p < 0x20)
				pbt_buf_addf(b, "\\u%04x", *p);
			else if (*p == '<' || *p == '>' || *p == '&')
				/* Go's encoding/json escapes these; buf's output does too. */
				pbt_buf_addf(b, "\\u%04x", *p);
			else
				pbt_buf_addc(b, (char)*p);
		}
	}
	pbt_buf_addc(b, '"');
}

/* Length of the valid UTF-8 sequence at p (0 if invalid) and its rune. */
static size_t utf8_rune(const unsigned char *p, unsigned *rune)
{
	size_t n, i;
	unsigned r;

	if (p[0] < 0x80) {
		*rune = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		r = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		r = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		r = p[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		r = (r << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && r < 0x80) || (n == 3 && r < 0x800) || (n == 4 && r < 0x10000) ||
	    r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
		return 0;
	*rune = r;
	return n;
}

size_t pbt_utf8_seq(const char *p)
{
	unsigned r;

	return utf8_rune((const unsigned char *)p, &r);
}

int pbt_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t pbt_utf8_valid_prefix(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0;

	while (i < n) {
		unsigned char c[4] = { 0, 0, 0, 0 };
		unsigned r;
		size_t k;

		if (u[i] < 0x80) {
			i++;
			continue;
		}
		/* utf8_rune() reads up to 4 bytes: give it a bounded copy */
		for (k = 0; k < 4 && i + k < n; k++)
			c[k] = u[i + k];
		k = utf8_rune(c, &r);
		if (!k)
			break;
		i += k;
	}
	return i;
}

void pbt_buf_add_goquote(struct pbt_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	pbt_buf_addc(b, '"');
	while (*p) {
		unsigned r;
		size_t n = utf8_rune(p, &r);

		if (!n) {
			/* Go's strconv.Quote writes invalid bytes as \xHH. */
			pbt_buf_addf(b, "\\x%02x", *p++);
			continue;
		}
		switch (r) {
		case '"': pbt_buf_adds(b, "\\\""); break;
		case '\\': pbt_buf_adds(b, "\\\\"); break;
		case '\n': pbt_buf_adds(b, "\\n"); break;
		case '\r': pbt_buf_adds(b, "\\r"); break;
		case '\t': pbt_buf_adds(b, "\\t"); break;
		case '\a': pbt_buf_adds(b, "\\a"); break;
		case '\b': pbt_buf_adds(b, "\\b"); break;
		case '\f': pbt_buf_adds(b, "\\f"); break;
		case '\v': pbt_buf_adds(b, "\\v"); break;
		default:
			if (r < 0x20 || r == 0x7f)
				pbt_buf_addf(b, "\\x%02x", r);
			else if (r >= 0x80 && r < 0xa0)
				pbt_buf_addf(b, "\\u%04x", r);
			else
				pbt_buf_add(b, p, n);
		}
		p += n;
	}
	pbt_buf_addc(b, '"');
}

void pbt_buf_setlen(struct pbt_buf *b, size_t len)
{
	if (!b->buf) {
		if (!len)
			return;
		pbt_buf_grow(b, len);
	}
	b->len = len;
	b->buf[len] = '\0';
}

void pbt_buf_reset(struct pbt_buf *b)
{
	pbt_buf_setlen(b, 0);
}

const char *pbt_buf_str(const struct pbt_buf *b)
{
	return b->buf ? b->buf : "";
}

char *pbt_buf_detach(struct pbt_buf *b)
{
	char *p = b->buf ? b->buf : pbt_xstrdup("");

	b->buf = NULL;
	b->len = b->alloc = 0;
	return p;
}

void pbt_buf_release(struct pbt_buf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->alloc = 0;
}
