-- DROP EXPRESSION: the column keeps its values but no longer follows data.
ALTER TABLE bare.orders ALTER COLUMN paid DROP EXPRESSION;
