-- The second input's columns take the first's names.
-- expect: union.kind = "union"
-- expect: sink.schema = "k:int64, x:utf8"
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SELECT k, x FROM a UNION ALL SELECT k, y FROM b;
