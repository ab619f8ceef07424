-- count(DISTINCT x) in a window.
-- expect: window_aggregate.aggregates = ["count(DISTINCT \"user\") AS users"]
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (connector = 'nats', subject = 'orders.in', format = 'json');
SELECT count(DISTINCT user) AS users, tumble(interval '1 hour') AS window FROM orders GROUP BY window;
