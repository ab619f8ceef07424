-- A tumble over the results of a smaller tumble (time: the inner window's end − 1).
-- expect: window_aggregate#2.time_column = "_timestamp"
-- expect: window_aggregate#2.window = {"kind": "tumble", "size_ms": 60000}
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (connector = 'nats', subject = 'orders.in', format = 'json');
SELECT max(n) AS peak, tumble(interval '1 minute') AS window
FROM (SELECT count(*) AS n, tumble(interval '10 seconds') AS window FROM orders GROUP BY window)
GROUP BY window;
