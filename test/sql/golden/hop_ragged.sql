-- A hop whose size (30 s) is not a multiple of its slide (20 s): windows start every 20 s and
-- overlap by 10 s, so a row is in one or two windows.
-- parallelism: 1,2
-- expected: windows [09:59:40, 10:00:10) ids 1-5 (times :01-:09), [10:00:00, 10:00:30) ids 1-11 (:01-:29), [10:00:20, 10:00:50) ids 9-16 (:21-:47), [10:00:40, 10:01:10) ids 14-20 (:41-:59); ids_sum = sum of those ids (15, 66, 100, 119).
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT window.start AS win_start, window.end AS win_end, n, ids_sum FROM (
  SELECT hop(interval '20 seconds', interval '30 seconds') AS window, count(*) AS n, sum(id) AS ids_sum
  FROM orders
  GROUP BY window
);
