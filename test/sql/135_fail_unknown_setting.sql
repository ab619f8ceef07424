--fail=unknown setting
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SET parallelism = 4;
SELECT * FROM impulse;
