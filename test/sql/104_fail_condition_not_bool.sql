--fail=condition must be bool
-- at: 4:29
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT * FROM impulse WHERE counter + 1;
