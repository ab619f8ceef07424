--fail=INSERT ... VALUES is not supported
CREATE TABLE out WITH (connector = 'stdout');
INSERT INTO out VALUES (1, 2);
