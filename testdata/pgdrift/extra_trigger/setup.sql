-- A trigger of someone else's on a pbtable.
CREATE FUNCTION bare.stamp() RETURNS trigger LANGUAGE plpgsql
AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER orders_stamp BEFORE INSERT ON bare.orders
	FOR EACH ROW EXECUTE FUNCTION bare.stamp();
