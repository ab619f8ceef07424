--fail=unknown option "subjekt"
-- at: 3:50
CREATE TABLE t (a INT) WITH (connector = 'nats', subjekt = 'x', subject = 'y');
SELECT * FROM t;
