-- A fingerprint naming another field number and type: the column is left
-- over from a field that was renumbered (or renamed) since.
COMMENT ON COLUMN bare.orders.s32 IS 'pbtable:1 kind=column message=pbt.demo.Order field=99 path=s32 json=s32 type=int32 presence=implicit pgtype=integer helper=pbtable.int32_v2 expr_sha=1e81ce15d2329677';
COMMENT ON TABLE public.event IS NULL;
