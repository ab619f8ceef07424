-- UNION ALL of two sources with the same columns.
-- plan: source > project > source > project > union > sink
-- expect: sink.schema = "counter:int64, source:utf8"
CREATE TABLE one WITH (connector = 'impulse', event_rate = '10');
CREATE TABLE two WITH (connector = 'impulse', event_rate = '10');
SELECT counter, 'first' AS source FROM one
UNION ALL SELECT counter, 'second' AS source FROM two;
