-- INSERT INTO a declared preview table: columns renamed by position, DOUBLE cast to BIGINT.
-- parallelism: 1,2
-- expected: orders with amount >= 200 are 2 (250), 7 (320), 11 (1000), 17 (200), 20 (410); cents = amount * 100, whole numbers.
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
CREATE TABLE big (order_id BIGINT, who TEXT, cents BIGINT) WITH (connector = 'preview');
INSERT INTO big SELECT id, customer, amount * 100 FROM orders WHERE amount >= 200;
