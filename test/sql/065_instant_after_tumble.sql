-- Grouping by the window of a windowed input (rows of each closed window).
-- expect: window_aggregate#2.window = {"kind": "tumble", "size_ms": 1}
-- expect: window_aggregate#2.group_by = ["window.start", "window.end"]
-- expect: sink.schema = "top:int64, start:timestamp"
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (connector = 'nats', subject = 'orders.in', format = 'json');
SELECT max(n) AS top, window.start AS start FROM (
  SELECT user, count(*) AS n, tumble(interval '10 seconds') AS window FROM orders GROUP BY user, window
) GROUP BY window;
