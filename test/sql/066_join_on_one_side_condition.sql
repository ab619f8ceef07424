-- An ON condition over one side only filters the joined rows; it is not a key.
-- plan: source > source > join > filter > project > sink
-- expect: join.left_keys = ["k"]
-- expect: filter.condition = "\"a.x\" = 'hi'"
CREATE TABLE a (k BIGINT, x TEXT) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT) WITH (connector = 'nats', subject = 'b.in');
SELECT x, y FROM a JOIN b ON a.k = b.k AND a.x = 'hi';
