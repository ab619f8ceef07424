-- event_time_field with watermark_delay and idle_timeout; bad_data = 'drop'.
-- expect: source.event_time = {"event_time_field": "datetime", "watermark_delay_ms": 2000, "idle_timeout_ms": 30000}
-- expect: source.bad_data = "drop"
CREATE TABLE bids (auction BIGINT, price BIGINT, datetime TIMESTAMP)
  WITH (connector = 'nats', subject = 'bids', event_time_field = datetime,
        watermark_delay = '2 seconds', idle_timeout = interval '30' second, bad_data = 'drop');
SELECT auction, price FROM bids;
