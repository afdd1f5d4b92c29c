-- The generation expression replaced (PostgreSQL 15 has no SET EXPRESSION:
-- drop and add), with the old fingerprint comment copied over, so only the
-- expression itself tells.
ALTER TABLE bare.orders DROP COLUMN qty;
ALTER TABLE bare.orders ADD COLUMN qty integer
	GENERATED ALWAYS AS ((data ->> 'qty')::integer) STORED;
COMMENT ON COLUMN bare.orders.qty IS 'pbtable:1 kind=column message=pbt.demo.Order field=2 path=qty json=qty type=int32 presence=implicit pgtype=integer helper=pbtable.int32_v2 expr_sha=6d77951841164eb9';
