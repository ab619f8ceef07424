-- Grouping by the window of a windowed input: the largest per-customer count of each 20 s window
-- (Nexmark q5's shape).
-- parallelism: 1,2
-- expected: orders per customer per 20 s window (NULL customer filtered out): [:00,:20) alice 3 (ids 1 4 8) is the most; [:20,:40) five customers with 1 each; [:40,:60) carol 2 (ids 14 20).
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT max(n) AS top, window.start AS win_start FROM (
  SELECT customer, count(*) AS n, tumble(interval '20 seconds') AS window
  FROM orders WHERE customer IS NOT NULL
  GROUP BY customer, window
) GROUP BY window;
