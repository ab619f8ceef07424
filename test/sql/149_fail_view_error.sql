--fail=unknown column "nope"
-- at: 4:34
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
CREATE VIEW v AS SELECT counter, nope FROM impulse;
SELECT * FROM v;
