--fail=LIMIT is not supported
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT counter FROM impulse LIMIT 10;
