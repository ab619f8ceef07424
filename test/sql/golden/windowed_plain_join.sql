-- A windowed aggregate joined with a plain (non-windowed) table: an inner join with TTL'd state.
-- parallelism: 1,2
-- expected: orders per customer per 30 s window, [:00,:30) alice 3 bob 3 carol 2 dave 1 erin 1 (NULL 1), [:30,:60) alice 2 carol 2 erin 2 bob 1 dave 1 frank 1; only alice, bob, carol, dave are customers (erin, frank are not; NULL never matches).
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
CREATE TABLE customers (name TEXT, country TEXT, tier TEXT)
  WITH (connector = 'json_file', path = '$DATA/customers.jsonl', format = 'json');
SELECT c.name, c.country, W.n, W.window.start AS win_start
FROM customers c
JOIN (SELECT customer, count(*) AS n, tumble(interval '30 seconds') AS window
      FROM orders GROUP BY customer, window) W
ON c.name = W.customer;
