-- Every column type spelling.
-- expect: sink.schema = "a:int32, b:int32, c:int64, d:float64, e:float64, f:float64, g:utf8, h:utf8, i:utf8, j:bool, k:timestamp, l:float64"
CREATE TABLE t (a INT, b INTEGER, c BIGINT, d DOUBLE, e FLOAT, f REAL, g TEXT, h VARCHAR, i STRING, j BOOLEAN, k TIMESTAMP, l DOUBLE PRECISION)
  WITH (connector = 'nats', subject = 't');
SELECT * FROM t;
