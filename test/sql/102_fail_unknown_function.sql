--fail=frobnicate
-- at: 4:8
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT frobnicate(counter) FROM impulse;
