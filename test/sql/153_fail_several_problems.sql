--fail=unknown column "b"
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT a FROM impulse;
SELECT b FROM impulse;
