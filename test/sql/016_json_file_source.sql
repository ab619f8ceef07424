-- A bounded JSON-lines file (tests and examples).
-- plan: source > filter > sink
-- expect: source.source = {"type": "json_file", "config": {"path": "data/cars.json", "format": "json", "schema": {"fields": [{"name": "driver_id", "type": "int64", "nullable": true}, {"name": "event_type", "type": "utf8", "nullable": true}, {"name": "timestamp", "type": "timestamp", "nullable": true}]}}}
-- expect: source.event_time = {"event_time_field": "timestamp", "watermark_delay_ms": 1000}
CREATE TABLE cars (driver_id BIGINT, event_type TEXT, timestamp TIMESTAMP)
  WITH (connector = 'json_file', path = 'data/cars.json', format = 'json', event_time_field = 'timestamp');
SELECT * FROM cars WHERE event_type = 'pickup';
