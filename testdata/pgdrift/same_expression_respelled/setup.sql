-- The same expression written another way: '0'::bigint is stored as a
-- bigint constant, where pbtable's 0 is an int4 constant cast to bigint, so
-- pg_get_expr() prints '0'::bigint instead of (0)::bigint.  The texts
-- differ; the server compares them (want.verbose: 16 statements, the
-- EXPLAIN included), finds them equal, and there is no drift.
ALTER TABLE bare.orders DROP COLUMN total_cents;
ALTER TABLE bare.orders ADD COLUMN total_cents bigint
	GENERATED ALWAYS AS (pbtable.int64_v2(data, 'totalCents'::text, 'total_cents'::text, '0'::bigint)) STORED;
COMMENT ON COLUMN bare.orders.total_cents IS 'pbtable:1 kind=column message=pbt.demo.Order field=3 path=total_cents json=totalCents type=int64 presence=implicit pgtype=bigint helper=pbtable.int64_v2 expr_sha=6f931c845c0953ed';
