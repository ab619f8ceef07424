--fail=must also be in GROUP BY
-- at: 5:3
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT
  hop(interval '1 second', interval '10 second') AS window,
  count(*) AS count
FROM impulse;
