--fail=unknown connector 'kafka'
-- at: 3:42
CREATE TABLE t (a INT) WITH (connector = 'kafka', topic = 't');
SELECT * FROM t;
