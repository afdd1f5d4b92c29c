-- A column dropped by hand (the view depends on it: CASCADE takes the view
-- and its apply function along).
ALTER TABLE shop.orders DROP COLUMN u32 CASCADE;
