-- The view replaced with one more column; a rule on the table.
CREATE OR REPLACE VIEW public.event_v AS
	SELECT data, pbt_rowid, name, order_total_cents, order_payment, 1 AS extra
	FROM public.event;
CREATE RULE event_no_delete AS ON DELETE TO public.event DO INSTEAD NOTHING;
