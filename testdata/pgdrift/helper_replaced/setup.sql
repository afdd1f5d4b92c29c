-- A helper replaced in place: stored rows keep what the old body computed.
CREATE OR REPLACE FUNCTION pbtable.text_v2(p jsonb, k text, k2 text, dflt text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$BEGIN RETURN upper(p ->> k); END$$;
