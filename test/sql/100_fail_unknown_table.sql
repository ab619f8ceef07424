--fail=unknown table "nope"
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT * FROM nope;
