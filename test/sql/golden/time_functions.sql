-- Time functions: date_trunc, extract, INTERVAL arithmetic, CAST of text to TIMESTAMP.
-- parallelism: 1,2
-- expected: orders at or after 10:00:50 are ids 17 (10:00:52), 18 (:55), 19 (:58), 20 (:59) on Friday 2024-03-01; truncations and extracts read off those times, later = ts + 30 s, earlier = ts - 1 h.
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT id,
       date_trunc('minute', ts) AS minute,
       date_trunc('day', ts) AS day,
       date_trunc('minute', ts + INTERVAL '30' SECOND) AS next_minute,
       extract(second FROM ts) AS sec,
       extract(minute FROM ts) AS min,
       extract(hour FROM ts) AS h,
       extract(dow FROM ts) AS dow,
       extract(month FROM ts) AS mon,
       ts + INTERVAL '30' SECOND AS later,
       ts - INTERVAL '1' HOUR AS earlier
FROM orders
WHERE ts >= CAST('2024-03-01T10:00:50Z' AS TIMESTAMP);
