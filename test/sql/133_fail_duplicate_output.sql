--fail=duplicate output column "counter"
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT counter, counter FROM impulse;
