-- WATERMARK FOR sets the source's event time and delay.
-- plan: source > sink
-- expect: source.event_time = {"event_time_field": "ts", "watermark_delay_ms": 5000}
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (connector = 'nats', subject = 'orders.in', format = 'json');
SELECT * FROM orders;
