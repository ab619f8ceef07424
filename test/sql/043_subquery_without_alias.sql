-- A subquery in FROM needs no alias.
-- plan: source > filter > project > filter > sink
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT * FROM (SELECT id, amount * 2 AS double FROM orders WHERE amount > 1) WHERE double < 100;
