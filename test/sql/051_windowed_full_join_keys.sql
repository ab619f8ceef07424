-- A windowed FULL JOIN on a key and the window.
-- expect: join.join_type = "full"
-- expect: join.left_keys = ["k", "window.end", "window.start"]
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SELECT L.k, L.n, R.n AS m
FROM (SELECT k, count(*) AS n, hop(interval '5 seconds', interval '10 seconds') AS window FROM a GROUP BY k, window) L
FULL OUTER JOIN (SELECT k, count(*) AS n, hop(interval '5 seconds', interval '10 seconds') AS window FROM b GROUP BY k, window) R
ON L.k = R.k AND L.window = R.window;
