-- Filtering an updating aggregate keeps its _op column.
-- plan: source > project > aggregate > filter > sink
-- expect: sink.schema = "user:utf8, c:int64, _op:utf8"
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT * FROM (SELECT user, count(*) AS c FROM orders GROUP BY user) WHERE c > 10;
