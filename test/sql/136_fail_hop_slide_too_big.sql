--fail=must not exceed its size
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (connector = 'nats', subject = 'orders.in', format = 'json');
SELECT count(*) FROM orders GROUP BY hop(interval '1 minute', interval '10 seconds');
