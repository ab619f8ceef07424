-- plan: source > project > sink
-- expect: sink.sink = {"type": "blackhole", "config": {}}
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
CREATE TABLE nowhere WITH (connector = 'blackhole');
INSERT INTO nowhere SELECT counter, subtask_index FROM impulse;
