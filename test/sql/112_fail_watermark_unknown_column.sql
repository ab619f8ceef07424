--fail=event time column "tz" is not a column
CREATE TABLE t (a INT, ts TIMESTAMP, WATERMARK FOR tz) WITH (connector = 'nats', subject = 'x');
SELECT * FROM t;
