-- FROM a, b, c: each join takes the WHERE equality between its two sides.
-- plan: source > source > join > source > join > filter > project > sink
-- expect: join#1.left_keys = ["k"]
-- expect: join#2.left_keys = ["b.k"]
CREATE TABLE a (k BIGINT, x TEXT) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT) WITH (connector = 'nats', subject = 'b.in');
CREATE TABLE c (k BIGINT, z TEXT) WITH (connector = 'nats', subject = 'c.in');
SELECT x, y, z FROM a, b, c WHERE a.k = b.k AND b.k = c.k AND z <> 'q';
