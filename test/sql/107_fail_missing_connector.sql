--fail=needs a connector
CREATE TABLE t (a INT) WITH (subject = 'x');
SELECT * FROM t;
