-- String and math functions.
-- expect: sink.schema = "u:utf8, l:int32, r:float64, a:float64, s:utf8"
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT upper(user) AS u, length(user) AS l, round(amount) AS r, abs(amount - 10) AS a, concat(lower(user), '!') AS s FROM orders;
