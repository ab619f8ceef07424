-- HAVING filters the aggregate's rows.
-- plan: source > project > aggregate > filter > project > sink
-- expect: filter.condition = "count > 5"
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT user FROM orders GROUP BY user HAVING count(*) > 5;
