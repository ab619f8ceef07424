-- FROM a, b WHERE a.k = b.k: the WHERE equality is the join key, the rest a filter.
-- plan: source > source > join > filter > project > sink
-- expect: filter.condition = "\"a.x\" <> \"b.y\""
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SELECT x, y FROM a, b WHERE a.k = b.k AND x <> y;
