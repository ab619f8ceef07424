-- SET updating_ttl applies to the whole query.
-- expect: aggregate.ttl_ms = 3600000
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SET updating_ttl = '1 hour';
SELECT user, sum(amount) AS total FROM orders GROUP BY user;
