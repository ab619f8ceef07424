-- window_start / window_end name the window's bounds too; GROUP BY a window call directly.
-- expect: sink.schema = "window_start:timestamp, window_end:timestamp, n:int64"
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (connector = 'nats', subject = 'orders.in', format = 'json');
SELECT window_start, window_end, count(*) AS n FROM orders GROUP BY tumble(interval '1 minute');
