--fail=at most one time window
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (connector = 'nats', subject = 'orders.in', format = 'json');
SELECT count(*) FROM orders GROUP BY tumble(interval '1 minute'), hop(interval '1 minute', interval '2 minutes');
