/*
 * SHA-256 and SHAKE256 through libcrypto's EVP interface (OpenSSL 3).
 * libpq already links libcrypto, so the digests cost no new dependency
 * and no hand-written code to keep correct.  Declared in sha256.h and
 * sha3.h, where their callers look for them.
 *
 * A digest of bytes in memory cannot fail short of libcrypto being
 * unusable (no memory, a FIPS provider without the algorithm): that is
 * a broken installation, reported with PBT_BUG like any "cannot happen".
 */
#include "sha256.h"
#include "sha3.h"

#include <stdbool.h>

#include <openssl/evp.h>

#include "err.h"

static void digest(const EVP_MD *md, const void *in, size_t in_len,
		   unsigned char *out, size_t out_len, bool xof)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;
	int ok;

	ok = ctx && md && EVP_DigestInit_ex(ctx, md, NULL) &&
	     EVP_DigestUpdate(ctx, in, in_len);
	if (ok && xof)
		ok = EVP_DigestFinalXOF(ctx, out, out_len);
	else if (ok)
		ok = EVP_DigestFinal_ex(ctx, out, &n) && n == out_len;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		PBT_BUG("libcrypto cannot compute a digest");
}

void pbt_sha256_hex(const void *data, size_t len, char *out, size_t n_hex)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];
	size_t i;

	digest(EVP_sha256(), data, len, d, sizeof(d), false);
	for (i = 0; i < n_hex && i < 64; i++)
		out[i] = hex[(d[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
	out[i] = '\0';
}

void pbt_shake256(const void *in, size_t in_len, unsigned char *out,
		  size_t out_len)
{
	digest(EVP_shake256(), in, in_len, out, out_len, true);
}
