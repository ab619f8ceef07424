-- Aggregates inside expressions, computed once each.
-- expect: aggregate.aggregates = ["count(*) AS count", "sum(amount) AS sum"]
-- expect: sink.schema = "user:utf8, howmany:utf8, mean:float64, _op:utf8"
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT user,
       CASE WHEN count(*) > 10 THEN 'many' ELSE 'few' END AS howmany,
       sum(amount) / count(*) AS mean
FROM orders GROUP BY user;
