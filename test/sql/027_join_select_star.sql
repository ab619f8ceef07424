-- SELECT * over a join: columns named <alias>.<column> where names clash.
-- expect: sink.schema = "a.k:int64, x:utf8, a.t:timestamp, b.k:int64, y:utf8, b.t:timestamp"
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SELECT * FROM a JOIN b ON a.k = b.k;
