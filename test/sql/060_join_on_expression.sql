-- A join key may be an expression: it is computed on its side first.
-- expect: join.left_keys = ["_lkey0"]
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SELECT x, y FROM a JOIN b ON a.k + 1 = b.k;
