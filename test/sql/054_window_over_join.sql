-- A window over a join's output: its event time is the later of the two sides'.
-- expect: project#1.expressions = ["\"a.x\"", "greatest(\"a.t\", \"b.t\") AS _timestamp"]
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SELECT x, count(*) AS n, tumble(interval '1 minute') AS window FROM a JOIN b ON a.k = b.k GROUP BY x, window;
