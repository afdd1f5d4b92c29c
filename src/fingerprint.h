#ifndef PBT_FINGERPRINT_H
#define PBT_FINGERPRINT_H

#include <stddef.h>

struct pbt_arena;
struct pbt_buf;
struct pbt_err;

/*
 * The fingerprint pbtable writes as the comment of each table, view,
 * column and helper function it creates, so drift checks (issue #4) can
 * tell what an object was generated from, also on a read-only standby:
 *
 *   pbtable:1 kind=column message=demo.v1.Order field=3 json=totalCents ...
 *
 * "pbtable:" and the format version, then space-separated key=value pairs.
 * Keys are [a-z_]+ and unique; values are percent-encoded (every byte that
 * is not a printable ASCII character other than '%' and '=' is written as
 * %XX), so a value never holds a space.  Readers ignore keys they do not
 * know.  The keys per kind are listed in docs/pbtables.md.
 */
#define PBT_FINGERPRINT_VERSION 1
#define PBT_FINGERPRINT_MAX_PAIRS 24

struct pbt_fingerprint_pair {
	const char *key;
	const char *value;	/* decoded */
};

struct pbt_fingerprint {
	unsigned version;
	struct pbt_fingerprint_pair pairs[PBT_FINGERPRINT_MAX_PAIRS];
	size_t n_pairs;
};

/* Append "pbtable:1" (start a fingerprint). */
void pbt_fingerprint_begin(struct pbt_buf *b);
/* Append " key=value", value percent-encoded. */
void pbt_fingerprint_add(struct pbt_buf *b, const char *key, const char *value);

/*
 * Parse a comment.  Strings live in arena.  Returns 0, or -PBT_EINPUT
 * with err->msg saying what is wrong (not a pbtable fingerprint, a newer
 * format version, a malformed pair, a duplicate key, too many pairs).
 */
int pbt_fingerprint_parse(struct pbt_arena *arena, const char *text,
			  struct pbt_fingerprint *out, struct pbt_err *err);

/* The decoded value of key, or NULL. */
const char *pbt_fingerprint_get(const struct pbt_fingerprint *fp, const char *key);

#endif
