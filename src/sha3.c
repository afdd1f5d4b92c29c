/*
 * Keccak-f[1600] and the SHAKE256 sponge, after the FIPS 202 pseudocode
 * (the compact loop form of Markku-Juhani Saarinen's public-domain
 * tiny_sha3).  Lanes are built byte by byte, so it is endian-neutral.
 * Not constant-time and not fast: it hashes a few hundred bytes per
 * finding.
 */
#include "sha3.h"

#include <stdint.h>
#include <string.h>

#define RATE 136	/* SHAKE256: 1600 - 2 * 256 bits */

static const uint64_t round_consts[24] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
	0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
	0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
	0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
	0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
	0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
	0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
static const unsigned rotations[24] = {
	1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14,
	27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44,
};
static const unsigned pi_lanes[24] = {
	10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4,
	15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1,
};

static uint64_t rotl(uint64_t x, unsigned n)
{
	return (x << n) | (x >> (64 - n));
}

static void keccak_f(uint64_t st[25])
{
	uint64_t bc[5], t;
	unsigned r, i, j;

	for (r = 0; r < 24; r++) {
		/* theta */
		for (i = 0; i < 5; i++)
			bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
		for (i = 0; i < 5; i++) {
			t = bc[(i + 4) % 5] ^ rotl(bc[(i + 1) % 5], 1);
			for (j = 0; j < 25; j += 5)
				st[j + i] ^= t;
		}
		/* rho and pi */
		t = st[1];
		for (i = 0; i < 24; i++) {
			j = pi_lanes[i];
			bc[0] = st[j];
			st[j] = rotl(t, rotations[i]);
			t = bc[0];
		}
		/* chi */
		for (j = 0; j < 25; j += 5) {
			for (i = 0; i < 5; i++)
				bc[i] = st[j + i];
			for (i = 0; i < 5; i++)
				st[j + i] ^= ~bc[(i + 1) % 5] & bc[(i + 2) % 5];
		}
		/* iota */
		st[0] ^= round_consts[r];
	}
}

static void xor_byte(uint64_t st[25], size_t i, unsigned char b)
{
	st[i / 8] ^= (uint64_t)b << (8 * (i % 8));
}

void pbt_shake256(const void *in, size_t in_len, unsigned char *out, size_t out_len)
{
	const unsigned char *p = in;
	uint64_t st[25];
	size_t i, pos = 0;

	memset(st, 0, sizeof(st));
	for (i = 0; i < in_len; i++) {
		xor_byte(st, pos++, p[i]);
		if (pos == RATE) {
			keccak_f(st);
			pos = 0;
		}
	}
	xor_byte(st, pos, 0x1f);	/* SHAKE domain bits and first pad bit */
	xor_byte(st, RATE - 1, 0x80);
	keccak_f(st);
	pos = 0;
	for (i = 0; i < out_len; i++) {
		if (pos == RATE) {
			keccak_f(st);
			pos = 0;
		}
		out[i] = (unsigned char)(st[pos / 8] >> (8 * (pos % 8)));
		pos++;
	}
}
