-- A hopping window (slide 20 s, size 40 s) over all orders: count, sum, max, count(DISTINCT).
-- parallelism: 1,2
-- expected: 20 s buckets B0 = ids 1-8 (sum 750.75, max 320, customers alice bob carol erin), B1 = ids 9-13 (1205.25, max 1000, + dave), B2 = ids 14-20 (826.75, max 410, 6 customers incl. frank); windows start every 20 s at 09:59:40, 10:00:00, 10:00:20, 10:00:40 and cover B0, B0+B1, B1+B2, B2; the NULL customer of id 5 is not counted as distinct.
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT window.start AS win_start, window.end AS win_end, n, total, top, customers FROM (
  SELECT hop(interval '20 seconds', interval '40 seconds') AS window,
         count(*) AS n, sum(amount) AS total, max(amount) AS top, count(DISTINCT customer) AS customers
  FROM orders
  GROUP BY 1
);
