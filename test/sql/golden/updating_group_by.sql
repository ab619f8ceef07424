-- GROUP BY without a window: an updating aggregate whose changelog carries _op.
-- Batches of 5 lines: at parallelism 1 the exact changelog is compared (after each batch every
-- changed group retracts its previous row and appends its new one); at parallelism 2 the final
-- state per category, after applying the changelog.
-- parallelism: 1,2
-- config: {"batch_size": 5, "linger_ms": 1000}
-- expected: running count/sum/max per category after lines 1-5, 1-10, 1-15, 1-20 of data/orders.jsonl; every category changes in every batch (books only by count in 11-15: id 14's amount is NULL).
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT category, count(*) AS n, sum(amount) AS total, max(amount) AS top
FROM orders
GROUP BY category;
