--fail=there is no select item 3
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT user, count(*) FROM orders GROUP BY 3;
