-- Without SET, updating state lives 24 hours.
-- expect: aggregate.ttl_ms = 86400000
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT user, count(*) AS c FROM orders GROUP BY user;
