-- HAVING over an updating aggregate filters changelog rows by their own values: a group shows up
-- once it reaches 3 orders (its earlier retraction, with fewer, is filtered out too).
-- Batches of 5 lines: exact changelog at parallelism 1, final state at 2.
-- parallelism: 1,2
-- config: {"batch_size": 5, "linger_ms": 1000}
-- expected: orders per customer after lines 1-5 (none has 3), 1-10 (alice 1,4,8 = 117.75; bob 2,6,10 = 340.25), 1-15 (alice +13 = 165.75, bob +15 = 470.25, carol 3,9,14 = 68), 1-20 (alice +17 = 365.75, carol +20 = 478, erin 7,12,18 = 353); dave (2), frank (1) and NULL (1) never reach 3.
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT customer, count(*) AS n, sum(amount) AS total
FROM orders
GROUP BY customer
HAVING count(*) >= 3;
