--fail=missing option "subject"
CREATE TABLE t (a INT) WITH (connector = 'nats');
SELECT * FROM t;
