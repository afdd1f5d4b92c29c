/*
 * Fuzz target: what drift parses that is not protobuf or YAML: expression
 * text (pgexpr.c's predictor and squeezer, jsonb constants) and the
 * fingerprint comments it reads from a live catalog (fingerprint.c).
 */
#include "fuzz.h"

#include <string.h>

#include "arena.h"
#include "buf.h"
#include "err.h"
#include "fingerprint.h"
#include "pgexpr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbt_arena *a = pbt_arena_new();
	char *s = pbt_arena_strndup(a, (const char *)data, size);
	struct pbt_fingerprint fp;
	struct pbt_buf b = PBT_BUF_INIT;
	struct pbt_err err;

	pbt_pgexpr_deparse(a, s);
	pbt_pgexpr_squeeze(a, s);
	pbt_pgexpr_jsonb(&b, s);
	pbt_fingerprint_parse(a, s, &fp, &err);
	pbt_buf_release(&b);
	pbt_arena_free(a);
	return 0;
}
