-- At parallelism 1 there is nothing to partition: no shuffles.
-- parallelism: 1
-- expect: edges.shuffle = 0
-- expect: edges.forward = 4
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (connector = 'nats', subject = 'orders.in', format = 'json');
SELECT user, count(*) AS n, tumble(interval '10 seconds') AS window FROM orders GROUP BY user, window;
