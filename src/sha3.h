#ifndef PBT_SHA3_H
#define PBT_SHA3_H

#include <stddef.h>

/*
 * SHAKE256 (FIPS 202): out_len bytes of output for in_len bytes of input.
 * buf fingerprints gitlab-code-quality issues with it, so we need exactly
 * this function and nothing else from SHA-3.  Computed by libcrypto
 * (digest.c).
 */
void pbt_shake256(const void *in, size_t in_len, unsigned char *out, size_t out_len);

#endif
