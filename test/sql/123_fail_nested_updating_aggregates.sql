--fail=updating table
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT max(c) FROM (SELECT user, count(*) AS c FROM orders GROUP BY user);
