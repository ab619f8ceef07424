--fail=LEFT JOIN needs both sides to be window aggregations
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SELECT a.x, b.y FROM a LEFT JOIN b ON a.k = b.k;
