-- Aggregates without GROUP BY: one updating group.
-- expect: aggregate.group_by = []
-- expect: aggregate.updating = true
-- expect: sink.schema = "min:int64, max:int64, sum:int64, count:int64, avg:float64, _op:utf8"
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT min(counter) AS min, max(counter) AS max, sum(counter) AS sum, count(*) AS count, avg(counter) AS avg FROM impulse;
