--fail=option "format" must be one of 'json'
CREATE TABLE t (a INT) WITH (connector = 'nats', subject = 'x', format = 'avro');
SELECT * FROM t;
