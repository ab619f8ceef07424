-- count, sum and avg over an updating table (a changelog): the outer aggregate takes retractions back.
-- expect: aggregate#1.group_by = ["user"]
-- expect: aggregate#2.group_by = ["c"]
-- expect: aggregate#2.aggregates = ["count(*) AS users", "sum(total) AS total", "avg(total) AS avg"]
-- expect: sink.schema = "c:int64, users:int64, total:float64, avg(total):float64, _op:utf8"
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT c, count(*) AS users, sum(total) AS total, avg(total)
FROM (SELECT user, count(*) AS c, sum(amount) AS total FROM orders GROUP BY user)
GROUP BY c;
