--fail=joining the output of a GROUP BY without a window
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT * FROM orders o JOIN (SELECT user, count(*) AS c FROM orders GROUP BY user) c ON o.user = c.user;
