-- INSERT INTO a table with declared columns: renamed by position, cast where types differ.
-- expect: project#2.expressions = ["\"user\" AS name", "CAST(n AS INT) AS total", "_op"]
-- expect: sink.schema = "name:utf8, total:int32, _op:utf8"
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
CREATE TABLE totals (name TEXT, total INT) WITH (connector = 'nats', subject = 'totals');
INSERT INTO totals SELECT user, count(*) AS n FROM orders GROUP BY user;
