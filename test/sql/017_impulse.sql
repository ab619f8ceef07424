-- The impulse generator: fixed columns, bounded by count.
-- plan: source > sink
-- expect: source.source = {"type": "impulse", "config": {"event_rate": 50, "count": 1000}}
-- expect: source.event_time = {"event_time_field": "timestamp", "watermark_delay_ms": 1000}
-- expect: sink.schema = "counter:int64, subtask_index:int32, timestamp:timestamp"
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '50', message_count = 1000);
SELECT counter, subtask_index, timestamp FROM impulse;
