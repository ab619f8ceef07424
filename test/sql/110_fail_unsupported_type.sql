--fail=unsupported type
-- at: 3:19
CREATE TABLE t (a BLOB) WITH (connector = 'nats', subject = 'x');
SELECT * FROM t;
