--fail=the query gives 1 columns
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
CREATE TABLE out (a BIGINT, b BIGINT) WITH (connector = 'nats', subject = 'out');
INSERT INTO out SELECT counter FROM impulse;
