-- The view's apply function dropped: the trigger function calls it by name.
DROP FUNCTION shop.orders_v_apply(jsonb, shop.orders_v, shop.orders_v);
