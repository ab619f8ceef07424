-- JOIN ... USING (k)
-- expect: join.left_keys = ["k"]
-- expect: join.right_keys = ["k"]
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SELECT x, y FROM a JOIN b USING (k);
