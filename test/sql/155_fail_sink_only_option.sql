--fail=unknown option "event_time_field" for connector 'stdout'
CREATE TABLE o WITH (connector = 'stdout', event_time_field = 'x');
CREATE TABLE i WITH (connector = 'impulse');
INSERT INTO o SELECT * FROM i;
