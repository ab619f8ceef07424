--fail=cannot write to table "impulse"
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
INSERT INTO impulse SELECT * FROM impulse;
