-- A windowed left join: every (customer, window) of the orders, with the clicks of that person in
-- that window or NULL.
-- expected: the inner join's 11 rows (see windowed_inner_join.sql) plus the order groups without clicks: carol in [:00,:20), erin in [:20,:40), erin and dave in [:40,:60).
-- parallelism: 1,2
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
CREATE TABLE clicks (user TEXT, page TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/clicks.jsonl', format = 'json', event_time_field = 'ts');
SELECT O.customer, O.window.start AS win_start, O.n AS orders, C.n AS clicks
FROM (SELECT customer, count(*) AS n, tumble(interval '20 seconds') AS window
      FROM orders WHERE customer IS NOT NULL GROUP BY customer, window) O
LEFT JOIN (SELECT user, count(*) AS n, tumble(interval '20 seconds') AS window
      FROM clicks GROUP BY user, window) C
ON O.customer = C.user AND O.window = C.window;
