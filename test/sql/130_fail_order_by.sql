--fail=ORDER BY is not supported
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT counter FROM impulse ORDER BY counter;
