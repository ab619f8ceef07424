--fail=cannot read table "out"
-- at: 4:15
CREATE TABLE out WITH (connector = 'stdout');
SELECT * FROM out;
