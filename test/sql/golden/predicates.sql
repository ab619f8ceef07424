-- Predicates as values, with SQL's three-valued logic on NULL (id 5: NULL customer, id 14: NULL
-- amount): LIKE with _, ILIKE, IN, NOT BETWEEN, IS NULL, OR, NOT, BETWEEN on timestamps, and a
-- text round trip through CAST.
-- parallelism: 1,2
-- expected: ids 1-6 and 14 evaluated by hand; a comparison with NULL is NULL, NULL OR false is NULL, NULL OR true is true, NOT NULL is NULL; BETWEEN includes its bounds (id 6 at :12).
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT id,
       customer LIKE '_o%' AS like_o,
       customer ILIKE 'A%' AS ilike_a,
       category IN ('books', 'toys') AS book_or_toy,
       amount NOT BETWEEN 10 AND 100 AS outside,
       customer IS NULL AS anon,
       amount > 50 OR customer = 'bob' AS either,
       NOT (amount > 50) AS not_big,
       ts BETWEEN CAST('2024-03-01T10:00:05Z' AS TIMESTAMP) AND CAST('2024-03-01T10:00:12Z' AS TIMESTAMP) AS mid,
       CAST(concat(CAST(id AS TEXT), '0') AS BIGINT) AS tens
FROM orders
WHERE id <= 6 OR id = 14;
