--fail=only equalities between the two sides
CREATE TABLE a (k BIGINT, x TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT, t TIMESTAMP, WATERMARK FOR t) WITH (connector = 'nats', subject = 'b.in');
SELECT L.n FROM (SELECT count(*) AS n, tumble(interval '1 hour') AS window FROM a GROUP BY window) L
LEFT JOIN (SELECT count(*) AS n, tumble(interval '1 hour') AS window FROM b GROUP BY window) R
ON L.window = R.window AND L.n > R.n;
