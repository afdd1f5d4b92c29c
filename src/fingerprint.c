/*
 * Writing and reading fingerprint comments.  Only the syntax lives here;
 * which keys each object carries is ddl.c's business, and comparing them
 * with a live database is drift's.
 */
#include "fingerprint.h"

#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "err.h"

void pbt_fingerprint_begin(struct pbt_buf *b)
{
	pbt_buf_addf(b, "pbtable:%d", PBT_FINGERPRINT_VERSION);
}

static bool plain_byte(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '%' && c != '=';
}

void pbt_fingerprint_add(struct pbt_buf *b, const char *key, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	pbt_buf_addf(b, " %s=", key);
	for (p = (const unsigned char *)value; *p; p++) {
		if (plain_byte(*p)) {
			pbt_buf_addc(b, (char)*p);
			continue;
		}
		pbt_buf_addc(b, '%');
		pbt_buf_addc(b, hex[*p >> 4]);
		pbt_buf_addc(b, hex[*p & 15]);
	}
}

static int bad(struct pbt_err *err, const char *what, const char *at)
{
	return pbt_errf(err, PBT_EINPUT, NULL, "malformed fingerprint: %s at '%.40s'",
			what, at);
}

int pbt_fingerprint_parse(struct pbt_arena *arena, const char *text,
			  struct pbt_fingerprint *out, struct pbt_err *err)
{
	const char *p = text;
	unsigned long v = 0;

	memset(out, 0, sizeof(*out));
	if (!text || strncmp(p, "pbtable:", 8))
		return pbt_errf(err, PBT_EINPUT, NULL, "not a pbtable fingerprint");
	p += 8;
	if (*p < '0' || *p > '9')
		return bad(err, "no format version", p);
	while (*p >= '0' && *p <= '9' && v < 100000)
		v = v * 10 + (unsigned long)(*p++ - '0');
	if (v != PBT_FINGERPRINT_VERSION)
		return pbt_errf(err, PBT_EINPUT, NULL,
				"fingerprint format version %lu is not supported (want %d)",
				v, PBT_FINGERPRINT_VERSION);
	out->version = (unsigned)v;
	while (*p) {
		const char *k, *eq, *end;
		struct pbt_buf val = PBT_BUF_INIT;
		size_t i;

		if (*p != ' ')
			return bad(err, "expected a space", p);
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		k = p;
		while ((*p >= 'a' && *p <= 'z') || *p == '_')
			p++;
		if (p == k || *p != '=')
			return bad(err, "expected key=value", k);
		eq = p++;
		for (end = p; *end && *end != ' '; end++)
			;
		for (; p < end; p++) {
			int hi, lo;

			if (*p != '%') {
				if (!plain_byte((unsigned char)*p)) {
					pbt_buf_release(&val);
					return bad(err, "unencoded byte", p);
				}
				pbt_buf_addc(&val, *p);
				continue;
			}
			hi = p + 2 < end ? pbt_hex_digit(p[1]) : -1;
			lo = hi >= 0 ? pbt_hex_digit(p[2]) : -1;
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				pbt_buf_release(&val);
				return bad(err, "bad %-escape", p);
			}
			pbt_buf_addc(&val, (char)(hi << 4 | lo));
			p += 2;
		}
		if (out->n_pairs == PBT_FINGERPRINT_MAX_PAIRS) {
			pbt_buf_release(&val);
			return bad(err, "too many pairs", k);
		}
		for (i = 0; i < out->n_pairs; i++) {
			if (strlen(out->pairs[i].key) == (size_t)(eq - k) &&
			    !strncmp(out->pairs[i].key, k, (size_t)(eq - k))) {
				pbt_buf_release(&val);
				return bad(err, "duplicate key", k);
			}
		}
		out->pairs[out->n_pairs].key = pbt_arena_strndup(arena, k, (size_t)(eq - k));
		out->pairs[out->n_pairs].value = pbt_arena_strdup(arena, pbt_buf_str(&val));
		out->n_pairs++;
		pbt_buf_release(&val);
	}
	return 0;
}

const char *pbt_fingerprint_get(const struct pbt_fingerprint *fp, const char *key)
{
	size_t i;

	for (i = 0; i < fp->n_pairs; i++)
		if (!strcmp(fp->pairs[i].key, key))
			return fp->pairs[i].value;
	return NULL;
}
