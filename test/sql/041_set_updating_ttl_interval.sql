-- SET updating_ttl = INTERVAL ...
-- expect: aggregate.ttl_ms = 5000
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT count(DISTINCT user) FROM orders;
set updating_ttl = interval '5' second;
