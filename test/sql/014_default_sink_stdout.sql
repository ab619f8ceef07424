-- A bare SELECT goes to the default sink (stdout for `rivulet run`).
-- default_sink: stdout
-- plan: source > project > sink
-- expect: sink.sink = {"type": "stdout", "config": {}}
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT counter FROM impulse;
