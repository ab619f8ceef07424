--fail=syntax error: unexpected end of input
-- at: 4:30
CREATE TABLE impulse WITH (connector = 'impulse');
SELECT * FROM impulse WHERE +;
SELECT counter FROM impulse;
