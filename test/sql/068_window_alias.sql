-- tumble(...) AS w with GROUP BY tumble(...): the window is called w.
-- expect: sink.schema = "start:timestamp, n:int64, w.start:timestamp, w.end:timestamp"
CREATE TABLE orders (id BIGINT, ts TIMESTAMP, WATERMARK FOR ts) WITH (connector = 'nats', subject = 'orders.in');
SELECT w.start, count(*) AS n, tumble(interval '1 minute') AS w FROM orders GROUP BY tumble(interval '1 minute');
