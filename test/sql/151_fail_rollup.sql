--fail=ROLLUP, CUBE and GROUPING SETS are not supported
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT user, count(*) FROM orders GROUP BY ROLLUP (user);
