-- An inner join without windows (TTL'd state on both sides), filtered on the right side's column.
-- parallelism: 1,2
-- expected: customers in FR are alice, carol, hugo, liam; hugo and liam have no orders; alice's orders are 1 4 8 13 17, carol's 3 9 14 20 (14 with a NULL amount).
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
CREATE TABLE customers (name TEXT, country TEXT, tier TEXT)
  WITH (connector = 'json_file', path = '$DATA/customers.jsonl', format = 'json');
SELECT o.id, o.customer, c.tier, o.amount
FROM orders o JOIN customers c ON o.customer = c.name
WHERE c.country = 'FR';
