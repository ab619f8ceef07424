-- An updating aggregate over the changelog of another: customers moving between order-count
-- buckets are retracted from the old bucket (count, sum and avg taken back) and added to the new.
-- parallelism: 1,2
-- changelog: final
-- config: {"batch_size": 5, "linger_ms": 1000}
-- expected: per customer (NULL customer dropped) n orders / spent: alice 5 / 365.75 (1,4,8,13,17), bob 4 / 470.25 (2,6,10,15), carol 4 / 478 (3,9,20; 14 has no amount), dave 2 / 1066, erin 3 / 353, frank 1 / 9.75; then per n: customers, sum and avg of spent.
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT n, count(*) AS customers, sum(spent) AS spent, avg(spent) AS avg_spent
FROM (SELECT customer, count(*) AS n, sum(amount) AS spent FROM orders WHERE customer IS NOT NULL GROUP BY customer) AS c
GROUP BY n;
