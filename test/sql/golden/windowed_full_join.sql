-- A windowed full outer join: (person, window) groups of either side, the other side's count or NULL.
-- parallelism: 1,2
-- expected: the left join's 15 rows (see windowed_left_join.sql) plus the click groups without orders: gina in [:00,:20) (click :11) and in [:20,:40) (click :38).
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
CREATE TABLE clicks (user TEXT, page TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/clicks.jsonl', format = 'json', event_time_field = 'ts');
SELECT COALESCE(O.customer, C.user) AS who, COALESCE(O.window.start, C.window.start) AS win_start,
       O.n AS orders, C.n AS clicks
FROM (SELECT customer, count(*) AS n, tumble(interval '20 seconds') AS window
      FROM orders WHERE customer IS NOT NULL GROUP BY customer, window) O
FULL OUTER JOIN (SELECT user, count(*) AS n, tumble(interval '20 seconds') AS window
      FROM clicks GROUP BY user, window) C
ON O.customer = C.user AND O.window = C.window;
