--fail=needs its columns declared
CREATE TABLE t WITH (connector = 'nats', subject = 'x');
SELECT * FROM t;
