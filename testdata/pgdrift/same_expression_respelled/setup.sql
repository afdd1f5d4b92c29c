-- The same expression written another way: 0::bigint is stored as a bigint
-- constant, not as pbtable's implicit cast of an int4 0, so the texts differ;
-- the server compares them, finds them equal, and there is no drift.
ALTER TABLE bare.orders DROP COLUMN total_cents;
ALTER TABLE bare.orders ADD COLUMN total_cents bigint
	GENERATED ALWAYS AS (pbtable.int64_v1((data -> 'totalCents'::text), 0::bigint)) STORED;
COMMENT ON COLUMN bare.orders.total_cents IS 'pbtable:1 kind=column message=pbt.demo.Order field=3 path=total_cents json=totalCents type=int64 presence=implicit pgtype=bigint helper=pbtable.int64_v1 expr_sha=2e50bacf2152f4c3';
