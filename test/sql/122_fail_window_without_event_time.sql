--fail=needs event time
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT count(*), tumble(interval '1 minute') AS window FROM orders GROUP BY window;
