--fail=not allowed in a query without GROUP BY
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT counter, tumble(interval '1 second') AS w FROM impulse;
