-- A windowed inner join: orders and clicks counted per person in the same 20 s tumbling window.
-- expected: per 20 s window, orders per customer (NULL filtered out) [:00,:20) alice 3 bob 2 carol 1 erin 1, [:20,:40) carol bob dave erin alice 1 each, [:40,:60) carol 2, bob frank alice erin dave 1; clicks per user [:00,:20) alice 2 bob 1 gina 1 erin 1, [:20,:40) bob 1 carol 1 dave 2 alice 1 gina 1, [:40,:60) bob frank alice carol 1; rows for the (person, window) pairs on both sides.
-- parallelism: 1,2
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
CREATE TABLE clicks (user TEXT, page TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/clicks.jsonl', format = 'json', event_time_field = 'ts');
SELECT O.customer, O.window.start AS win_start, O.n AS orders, C.n AS clicks
FROM (SELECT customer, count(*) AS n, tumble(interval '20 seconds') AS window
      FROM orders WHERE customer IS NOT NULL GROUP BY customer, window) O
JOIN (SELECT user, count(*) AS n, tumble(interval '20 seconds') AS window
      FROM clicks GROUP BY user, window) C
ON O.customer = C.user AND O.window = C.window;
