#ifndef PBT_SHA256_H
#define PBT_SHA256_H

#include <stddef.h>

/*
 * SHA-256 (FIPS 180-4), for fingerprints: the same digest PostgreSQL's
 * sha256() computes, so a database can check what pbtable recorded.
 * Computed by libcrypto (digest.c).
 */

/* The first n_hex (<= 64) lower-case hex digits of sha256(data); NUL-terminated. */
void pbt_sha256_hex(const void *data, size_t len, char *out, size_t n_hex);

#endif
