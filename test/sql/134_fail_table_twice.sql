--fail="impulse" is already defined
-- at: 4:14
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
CREATE TABLE impulse WITH (connector = 'impulse');
SELECT * FROM impulse;
