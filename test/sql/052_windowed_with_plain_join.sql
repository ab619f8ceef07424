-- A windowed stream joined with a plain one (Arroyo issue #165): an inner join with a TTL.
-- expect: join.ttl_ms = 86400000
-- expect: join.left_keys = ["k"]
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SELECT a.x, W.n
FROM a JOIN (SELECT k, count(*) AS n, tumble(interval '1 minute') AS window FROM b GROUP BY k, window) W
ON a.k = W.k;
