--fail=is ambiguous
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SELECT k FROM a JOIN b ON a.k = b.k;
