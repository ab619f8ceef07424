--fail=is reserved
CREATE TABLE t (a INT) WITH (connector = 'nats', subject = 'rivulet.api.x');
SELECT * FROM t;
