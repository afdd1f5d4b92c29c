-- The data check dropped and a CHECK of our own; another table's data
-- check changed; a third's re-added NOT VALID.
ALTER TABLE bare.orders DROP CONSTRAINT orders_data_check;
ALTER TABLE bare.orders ADD CONSTRAINT orders_qty_positive CHECK (qty >= 0);
ALTER TABLE shop.orders DROP CONSTRAINT orders_data_check;
ALTER TABLE shop.orders ADD CONSTRAINT orders_data_check
	CHECK (jsonb_typeof(data) IN ('object', 'array'));
ALTER TABLE public.event DROP CONSTRAINT event_data_check;
ALTER TABLE public.event ADD CONSTRAINT event_data_check
	CHECK (jsonb_typeof(data) = 'object') NOT VALID;
ALTER TABLE public.event ALTER COLUMN data DROP NOT NULL;
