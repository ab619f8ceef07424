-- GROUP BY 1 names the first select item.
-- expect: aggregate.group_by = ["user"]
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT user, count(*) AS n FROM orders GROUP BY 1;
