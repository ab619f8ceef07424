-- A subquery in FROM (with an alias) filtered on a column it computes.
-- parallelism: 1,2
-- expected: toys orders are 4 alice 99.75, 6 bob 15, 9 carol 60, 12 erin 22, 15 bob 130, 19 dave 66; doubled > 100 keeps 4 (199.5), 9 (120), 15 (260), 19 (132).
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT t.who, t.doubled
FROM (SELECT COALESCE(customer, '?') AS who, amount * 2 AS doubled, category
      FROM orders
      WHERE category = 'toys') AS t
WHERE t.doubled > 100;
