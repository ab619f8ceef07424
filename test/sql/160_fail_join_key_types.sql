--fail=the join keys in a.k = b.k have different types (int64 and utf8)
-- at: 5:27
CREATE TABLE a (k BIGINT, x TEXT) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k TEXT, y TEXT) WITH (connector = 'nats', subject = 'b.in');
SELECT x FROM a JOIN b ON a.k = b.k;
