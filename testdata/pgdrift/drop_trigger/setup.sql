DROP TRIGGER orders_v_dml ON shop.orders_v;
