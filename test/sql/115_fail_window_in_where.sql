--fail=not allowed in WHERE
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT counter FROM impulse WHERE tumble(interval '1 second') IS NOT NULL;
