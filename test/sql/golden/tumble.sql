-- A 30 s tumbling window per category: count(*), count(col), sum, min, max, avg, window bounds.
-- parallelism: 1,2
-- expected: [10:00:00, 10:00:30) holds ids 1-11, [10:00:30, 10:01:00) ids 12-20; per category the amounts are listed in data/orders.jsonl (id 14's NULL amount counts in n only), e.g. books in the first window 12.5+8+40+5.5+75.25 = 141.25 over 5 rows.
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT category,
       count(*) AS n,
       count(amount) AS priced,
       sum(amount) AS total,
       min(amount) AS lo,
       max(amount) AS hi,
       avg(amount) AS mean,
       tumble(interval '30 seconds') AS window
FROM orders
GROUP BY category, window;
