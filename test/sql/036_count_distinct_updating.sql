-- count(DISTINCT x) without a window: an updating aggregate.
-- expect: aggregate.aggregates = ["count(DISTINCT \"user\") AS users"]
-- expect: aggregate.group_by = []
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT count(DISTINCT user) AS users FROM orders;
