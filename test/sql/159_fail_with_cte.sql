--fail=WITH (common table expressions) is not supported
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
WITH x AS (SELECT * FROM impulse) SELECT * FROM x;
