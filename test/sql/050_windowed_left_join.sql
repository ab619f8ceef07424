-- Both sides are window aggregations over the same window: a windowed join (outer allowed).
-- expect: join.join_type = "left"
-- expect: join.window = {"kind": "tumble", "size_ms": 1}
-- expect: join.left_keys = ["window.end", "window.start"]
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SELECT L.window.start AS hour, L.n AS left_n, R.n AS right_n
FROM (SELECT count(*) AS n, tumble(interval '1 hour') AS window FROM a GROUP BY window) L
LEFT JOIN (SELECT count(*) AS n, tumble(interval '1 hour') AS window FROM b GROUP BY window) R
ON L.window = R.window;
