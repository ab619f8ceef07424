--fail=is supported as a watermark expression
CREATE TABLE t (ts TIMESTAMP, WATERMARK FOR ts AS now()) WITH (connector = 'nats', subject = 'x');
SELECT * FROM t;
