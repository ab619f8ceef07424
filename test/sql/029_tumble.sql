-- A tumbling window aggregate after a watermarked source.
-- plan: source > project > window_aggregate > project > sink
-- expect: window_aggregate.window = {"kind": "tumble", "size_ms": 10000}
-- expect: window_aggregate.time_column = "ts"
-- expect: window_aggregate.group_by = ["user"]
-- expect: sink.schema = "user:utf8, n:int64, total:float64, window.start:timestamp, window.end:timestamp"
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (connector = 'nats', subject = 'orders.in', format = 'json');
SELECT user, count(*) AS n, sum(amount) AS total, tumble(interval '10 seconds') AS window
FROM orders
GROUP BY user, window;
