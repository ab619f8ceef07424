-- UNION ALL of two sources; the second branch takes the first one's column names.
-- parallelism: 1,2
-- expected: orders over 100 (2 bob :03, 7 erin :14, 11 dave :29, 15 bob :44, 17 alice :52, 20 carol :59; id 14's NULL amount is not > 100) and clicks on /tv (erin :13, dave :27, alice :35, carol :57).
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
CREATE TABLE clicks (user TEXT, page TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/clicks.jsonl', format = 'json', event_time_field = 'ts');
SELECT customer AS who, 'order' AS kind, ts FROM orders WHERE amount > 100
UNION ALL
SELECT user, 'click', ts FROM clicks WHERE page = '/tv';
