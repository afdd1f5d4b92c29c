-- A type changed by hand; PostgreSQL keeps the generation expression.
ALTER TABLE bare.orders ALTER COLUMN price TYPE numeric;
