--fail=a time window over the output of a GROUP BY without a window
-- at: 4:18
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, ts TIMESTAMP, WATERMARK FOR ts) WITH (connector = 'nats', subject = 'orders.in');
SELECT count(*), tumble(interval '1 minute') AS w FROM (SELECT user, count(*) AS c FROM orders GROUP BY user) GROUP BY w;
