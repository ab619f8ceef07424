-- WATERMARK FOR ts AS (ts - INTERVAL ...), BIGINT UNSIGNED, PRIMARY KEY (ignored) as Arroyo writes them.
-- expect: source.event_time = {"event_time_field": "timestamp", "watermark_delay_ms": 60000}
-- expect: sink.schema = "driver_id:int64, n:int64"
CREATE TABLE cars(
  timestamp TIMESTAMP NOT NULL,
  driver_id BIGINT UNSIGNED PRIMARY KEY,
  watermark for timestamp AS (timestamp - INTERVAL '1 minute')
) WITH (connector = 'json_file', path = 'cars.json', format = 'json', type = 'source');
SELECT driver_id, CAST(count(*) AS BIGINT UNSIGNED) AS n FROM cars GROUP BY driver_id, tumble(interval '1 hour');
