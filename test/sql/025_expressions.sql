-- Scalar expressions go to the engine as text (columns quoted where needed).
-- plan: source > filter > project > sink
-- expect: sink.schema = "size:utf8, user_or_none:utf8, id_text:utf8, amount:float64"
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT
  CASE WHEN amount > 100 THEN 'big' WHEN amount > 10 THEN 'medium' ELSE 'small' END AS size,
  coalesce(user, 'none') AS user_or_none,
  CAST(id AS TEXT) AS id_text,
  amount
FROM orders
WHERE id IN (1, 2, 3) AND amount BETWEEN 1 AND 1000 AND user LIKE 'a%' AND user IS NOT NULL;
