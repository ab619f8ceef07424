-- An inner join without windows keeps rows for updating_ttl; keys shuffle per input.
-- plan: source > source > join > project > sink
-- expect: join.ttl_ms = 600000
-- expect: join.output_names = ["a.k", "a.x", "a.t", "b.k", "b.y", "b.t"]
-- expect: edges.shuffle = 2
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SET updating_ttl = '10 minutes';
SELECT a.x, y, a.k FROM a JOIN b ON a.k = b.k;
