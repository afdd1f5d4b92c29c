-- set_v2 is only called from the view's apply function (no dependency).
DROP FUNCTION pbtable.set_v2(jsonb, text[], text[], jsonb);
