-- set_v1 is only called from the view's apply function (no dependency).
DROP FUNCTION pbtable.set_v1(jsonb, text[], jsonb);
