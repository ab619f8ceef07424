--fail=must appear in GROUP BY
-- at: 4:14
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT user, amount, count(*) FROM orders GROUP BY user;
