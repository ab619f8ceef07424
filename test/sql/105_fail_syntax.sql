--fail=syntax error
-- at: 4:21
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT counter FROM FROM impulse;
