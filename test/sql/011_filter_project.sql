-- The fraud pipeline of examples/fraud.json as SQL.
-- plan: source > filter > project > sink
-- expect: filter.condition = "amount > 10000"
-- expect: project.expressions = ["id", "\"user\"", "amount * 2 AS doubled"]
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT id, user, amount * 2 AS doubled FROM orders WHERE amount > 10000;
