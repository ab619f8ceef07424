--fail=nothing to run
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
