--fail=unknown function "medianx" (not a built-in or registered scalar or aggregate function)
-- at: 4:14
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT user, medianx(amount) FROM orders GROUP BY user;
