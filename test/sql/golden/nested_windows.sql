-- A tumble over the results of a smaller tumble (each inner row at its window's end - 1 ms).
-- parallelism: 1,2
-- expected: orders per 10 s window are 5 (:01-:09), 3 (:12-:18), 3 (:21-:29), 2 (:33, :36), 3 (:41-:47), 4 (:52-:59); all six inner windows lie in the minute [10:00, 10:01): peak 5, sum 20, 6 windows.
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT peak, total, windows, window.start AS win_start, window.end AS win_end FROM (
  SELECT max(n) AS peak, sum(n) AS total, count(*) AS windows, tumble(interval '1 minute') AS window
  FROM (SELECT count(*) AS n, tumble(interval '10 seconds') AS window FROM orders GROUP BY window)
  GROUP BY window
);
