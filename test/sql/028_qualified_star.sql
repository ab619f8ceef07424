-- t.* selects one side of a join.
-- expect: sink.schema = "k:int64, y:utf8, t:timestamp, x:utf8"
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SELECT B.*, A.x FROM a AS A JOIN b AS B ON A.k = B.k;
