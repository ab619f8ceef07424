--fail=wildcards are not allowed
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
CREATE TABLE out WITH (connector = 'nats', subject = 'out.*', type = 'sink');
INSERT INTO out SELECT counter FROM impulse;
