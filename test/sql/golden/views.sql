-- A view over a view, each with its own filter and projection.
-- parallelism: 1,2
-- expected: amount >= 100 gives 2 bob 250, 7 erin 320, 11 dave 1000, 15 bob 130, 17 alice 200, 20 carol 410; the second view drops dave and upper-cases the name.
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
CREATE VIEW big_orders AS SELECT id, customer, amount FROM orders WHERE amount >= 100;
CREATE VIEW named AS SELECT upper(customer) AS who, id FROM big_orders WHERE customer <> 'dave';
SELECT * FROM named;
