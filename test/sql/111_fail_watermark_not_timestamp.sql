--fail=must be a TIMESTAMP
-- at: 3:47
CREATE TABLE t (a INT, ts TEXT, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH (connector = 'nats', subject = 'x');
SELECT * FROM t;
