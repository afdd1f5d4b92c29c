/* Fingerprint comments: what ddl writes, drift must read back. */
#include "arena.h"
#include "buf.h"
#include "err.h"
#include "fingerprint.h"
#include "t.h"

static void round_trip(void)
{
	struct pbt_arena *a = pbt_arena_new();
	struct pbt_buf b = PBT_BUF_INIT;
	struct pbt_fingerprint fp;
	struct pbt_err err;

	pbt_fingerprint_begin(&b);
	pbt_fingerprint_add(&b, "kind", "column");
	pbt_fingerprint_add(&b, "message", "pkg.Order");
	pbt_fingerprint_add(&b, "pgtype", "double precision");
	pbt_fingerprint_add(&b, "json", "a=b%c \xc3\xbc'");
	pbt_fingerprint_add(&b, "empty", "");
	T_EQ_STR(b.buf, "pbtable:1 kind=column message=pkg.Order pgtype=double%20precision "
		 "json=a%3Db%25c%20%C3%BC' empty=");
	T_EQ_INT(pbt_fingerprint_parse(a, b.buf, &fp, &err), 0);
	T_EQ_INT(fp.version, 1);
	T_EQ_INT(fp.n_pairs, 5);
	T_EQ_STR(pbt_fingerprint_get(&fp, "kind"), "column");
	T_EQ_STR(pbt_fingerprint_get(&fp, "pgtype"), "double precision");
	T_EQ_STR(pbt_fingerprint_get(&fp, "json"), "a=b%c \xc3\xbc'");
	T_EQ_STR(pbt_fingerprint_get(&fp, "empty"), "");
	T_CHECK(pbt_fingerprint_get(&fp, "nope") == NULL);
	pbt_buf_release(&b);
	pbt_arena_free(a);
}

static void parses_what_ddl_writes(void)
{
	struct pbt_arena *a = pbt_arena_new();
	struct pbt_fingerprint fp;
	struct pbt_err err;

	T_EQ_INT(pbt_fingerprint_parse(a, "pbtable:1 kind=column message=pbt.demo.Order field=3 "
				       "path=total_cents json=totalCents type=int64 presence=implicit "
				       "pgtype=bigint helper=pbtable.int64_v1 expr_sha=2e50bacf2152f4c3",
				       &fp, &err), 0);
	T_EQ_STR(pbt_fingerprint_get(&fp, "field"), "3");
	T_EQ_STR(pbt_fingerprint_get(&fp, "helper"), "pbtable.int64_v1");
	T_EQ_STR(pbt_fingerprint_get(&fp, "expr_sha"), "2e50bacf2152f4c3");
	pbt_arena_free(a);
}

static void rejects_what_is_not_one(void)
{
	struct pbt_arena *a = pbt_arena_new();
	struct pbt_fingerprint fp;
	struct pbt_err err;

	T_EQ_INT(pbt_fingerprint_parse(a, "hand-written comment", &fp, &err), -PBT_EINPUT);
	T_EQ_STR(err.msg, "not a pbtable fingerprint");
	T_EQ_INT(pbt_fingerprint_parse(a, NULL, &fp, &err), -PBT_EINPUT);
	T_EQ_INT(pbt_fingerprint_parse(a, "pbtable:2 kind=x", &fp, &err), -PBT_EINPUT);
	T_EQ_STR(err.msg, "fingerprint format version 2 is not supported (want 1)");
	T_EQ_INT(pbt_fingerprint_parse(a, "pbtable:1 kind=a kind=b", &fp, &err), -PBT_EINPUT);
	T_EQ_STR(err.msg, "malformed fingerprint: duplicate key at 'kind=b'");
	T_EQ_INT(pbt_fingerprint_parse(a, "pbtable:1 Kind=a", &fp, &err), -PBT_EINPUT);
	T_EQ_INT(pbt_fingerprint_parse(a, "pbtable:1 k=%4", &fp, &err), -PBT_EINPUT);
	T_EQ_INT(pbt_fingerprint_parse(a, "pbtable:1 k=%00", &fp, &err), -PBT_EINPUT);
	T_EQ_INT(pbt_fingerprint_parse(a, "pbtable:1 k=a=b", &fp, &err), -PBT_EINPUT);
	T_EQ_INT(pbt_fingerprint_parse(a, "pbtable:1x", &fp, &err), -PBT_EINPUT);
	/* unknown keys are fine: newer writers may add some */
	T_EQ_INT(pbt_fingerprint_parse(a, "pbtable:1 future_key=x", &fp, &err), 0);
	T_EQ_INT(pbt_fingerprint_parse(a, "pbtable:1", &fp, &err), 0);
	T_EQ_INT(fp.n_pairs, 0);
	pbt_arena_free(a);
}

const struct t_case t_fingerprint_cases[] = {
	{ "round_trip", round_trip },
	{ "parses_what_ddl_writes", parses_what_ddl_writes },
	{ "rejects_what_is_not_one", rejects_what_is_not_one },
	{ NULL, NULL },
};
