-- An index on another column under the configured name, an extra index,
-- and an index left invalid (as a failed CREATE INDEX CONCURRENTLY leaves it).
DROP INDEX shop.orders_status_idx;
CREATE INDEX orders_status_idx ON shop.orders (status, qty);
CREATE INDEX orders_by_qty ON shop.orders (qty);
UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'shop.orders_attrs_idx'::regclass;
