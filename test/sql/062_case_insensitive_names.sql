-- Unquoted table and column names match case-insensitively.
-- expect: sink.schema = "counter:int64"
CREATE TABLE Impulse WITH (connector = 'impulse');
SELECT COUNTER FROM IMPULSE;
