#ifndef PBT_SHA256_H
#define PBT_SHA256_H

#include <stddef.h>
#include <stdint.h>

/*
 * SHA-256 (FIPS 180-4), for fingerprints: the same digest PostgreSQL's
 * sha256() computes, so a database can check what pbtable recorded.
 */
struct pbt_sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	unsigned char block[64];
	size_t n;		/* bytes waiting in block */
};

void pbt_sha256_init(struct pbt_sha256 *s);
void pbt_sha256_update(struct pbt_sha256 *s, const void *data, size_t len);
void pbt_sha256_final(struct pbt_sha256 *s, unsigned char out[32]);
/* The first n_hex (<= 64) lower-case hex digits of sha256(data); NUL-terminated. */
void pbt_sha256_hex(const void *data, size_t len, char *out, size_t n_hex);

#endif
