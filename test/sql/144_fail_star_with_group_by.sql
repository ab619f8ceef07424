--fail=* cannot be used in an aggregating query
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT * FROM orders GROUP BY user;
