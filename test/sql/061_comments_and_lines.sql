-- Comments and line breaks inside expressions.
-- expect: filter.condition = "amount > 10 AND id < 5"
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT id, -- the id
  amount /* in cents */ * 100 AS cents
FROM orders
WHERE amount > 10 -- big ones
  AND id < 5;
