-- count(DISTINCT) in an updating aggregate: a group whose distinct count does not change in a
-- batch emits nothing for it (books in lines 11-15 only repeats carol).
-- Batches of 5 lines: exact changelog at parallelism 1, final state at 2.
-- parallelism: 1,2
-- config: {"batch_size": 5, "linger_ms": 1000}
-- expected: distinct non-NULL customers per category after lines 1-5 (books alice carol; electronics bob; toys alice), 1-10 (books +bob; electronics +erin; toys +bob +carol), 1-15 (electronics +dave +alice; toys +erin), 1-20 (books +frank +erin; electronics +carol; toys +dave).
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT category, count(DISTINCT customer) AS buyers
FROM orders
GROUP BY category;
