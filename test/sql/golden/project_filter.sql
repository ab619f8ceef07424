-- Projection and filter: CASE, COALESCE, CAST, LIKE, IS NULL, NOT IN, BETWEEN.
-- parallelism: 1,2
-- expected: orders whose customer contains 'a' (alice, carol, dave, frank) or is NULL (id 5), minus ids 4 and 13, minus amount outside [5, 500] (11 = 1000, 14 = NULL): ids 1 3 5 8 9 16 17 19 20; size by amount (<20 small, <100 medium, else big); quarter = id / 4.
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT id,
       CASE WHEN amount >= 100 THEN 'big' WHEN amount >= 20 THEN 'medium' ELSE 'small' END AS size,
       COALESCE(customer, 'anonymous') AS who,
       CAST(id AS TEXT) AS id_text,
       CAST(id AS DOUBLE) / 4 AS quarter
FROM orders
WHERE (customer LIKE '%a%' OR customer IS NULL)
  AND id NOT IN (4, 13)
  AND amount BETWEEN 5 AND 500;
