--fail=unknown column "countr"
-- at: 5:7
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT counter,
  1 + countr AS x
FROM impulse;
