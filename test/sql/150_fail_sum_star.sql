--fail=sum(*) is not allowed
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT sum(*) FROM impulse;
