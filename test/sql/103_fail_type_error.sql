--fail=cannot apply + to float64 and utf8
-- at: 5:3
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT id,
  amount + user AS nonsense
FROM orders;
