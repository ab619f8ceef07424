--fail=count(DISTINCT ...) over an updating table (the output of a GROUP BY without a window) is not supported: only count, sum and avg can take back a retracted row
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT count(DISTINCT c) FROM (SELECT user, count(*) AS c FROM orders GROUP BY user);
