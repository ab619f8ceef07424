-- SELECT DISTINCT over two columns, one of them NULL for a row: an updating aggregate whose
-- groups never change, so its changelog is one append per distinct row.
-- parallelism: 1,2
-- expected: (category, amount > 100) over the 19 orders with a customer: books/false (1,3,8,10,16,18), books/NULL (14, NULL amount), electronics/true (2,7,11,17,20), electronics/false (13 = 48), toys/false (4,6,9,12,19), toys/true (15 = 130).
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT DISTINCT category, amount > 100 AS large
FROM orders
WHERE customer IS NOT NULL;
