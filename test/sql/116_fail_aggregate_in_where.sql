--fail=aggregate function count(...) is not allowed in WHERE
-- at: 4:35
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT counter FROM impulse WHERE count(*) > 1;
