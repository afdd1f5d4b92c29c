DROP INDEX bare.orders_status_idx;
