-- The view's INSTEAD OF trigger made again for INSERT only: UPDATE and
-- DELETE through the view then fail.
DROP TRIGGER orders_v_dml ON shop.orders_v;
CREATE TRIGGER orders_v_dml INSTEAD OF INSERT ON shop.orders_v
	FOR EACH ROW EXECUTE FUNCTION shop.orders_v_dml();
