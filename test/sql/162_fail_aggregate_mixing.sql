--fail=column "orders.user" must appear in GROUP BY or be used in an aggregate function
-- at: 4:8
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT user, count(*) FROM orders;
