-- A helper replaced in place: stored rows keep what the old body computed.
CREATE OR REPLACE FUNCTION pbtable.text_v1(j jsonb, dflt text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$BEGIN RETURN upper(j #>> '{}'); END$$;
