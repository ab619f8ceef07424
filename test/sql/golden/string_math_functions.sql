-- String and math functions on the first six orders (id 5 has a NULL customer).
-- parallelism: 1,2
-- expected: each function applied by hand to ids 1-6; NULL customer gives NULL upper/length, concat skips NULL args ('/books', trimmed ''), round halves away from zero, integer / truncates.
CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE, category TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/orders.jsonl', format = 'json', event_time_field = 'ts');
SELECT id,
       upper(customer) AS up,
       length(customer) AS len,
       substr(category, 1, 3) AS cat3,
       concat(customer, '/', category) AS tag,
       replace(category, 'o', '0') AS rep,
       trim(concat('  ', customer, '  ')) AS trimmed,
       round(amount + 0.2) AS r,
       round(amount / 3, 2) AS r2,
       floor(amount) AS f,
       ceil(amount) AS c,
       abs(amount - 100) AS dist,
       mod(id, 4) AS m,
       power(id, 2) AS sq,
       sqrt(id * id * 9) AS three_id,
       greatest(amount, 50) AS g,
       least(amount, 50, id * 10) AS l,
       nullif(category, 'books') AS not_books,
       id / 4 AS int_div
FROM orders
WHERE id <= 6;
