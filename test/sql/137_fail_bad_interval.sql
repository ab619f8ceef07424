--fail=invalid interval
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (connector = 'nats', subject = 'orders.in', format = 'json');
SELECT count(*) FROM orders GROUP BY tumble(interval 'soon');
