-- WATERMARK FOR without AS: no delay.
-- expect: source.event_time = {"event_time_field": "created", "watermark_delay_ms": 0}
CREATE TABLE users (
  customer_id INT,
  created TIMESTAMP,
  watermark FOR created
) WITH (connector = 'nats', subject = 'users');
SELECT customer_id FROM users;
