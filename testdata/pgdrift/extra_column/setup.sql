ALTER TABLE bare.orders ADD COLUMN legacy_flag boolean;
ALTER TABLE bare.orders ADD COLUMN legacy_total bigint GENERATED ALWAYS AS ((data ->> 'total')::bigint) STORED;
