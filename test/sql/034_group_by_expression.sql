-- An expression key is computed first, then grouped on.
-- plan: source > project > aggregate > project > sink
-- expect: project#1.expressions = ["counter % 10 AS _key0"]
-- expect: sink.schema = "bucket:int64, n:int64, _op:utf8"
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT counter % 10 AS bucket, count(*) AS n FROM impulse GROUP BY counter % 10;
