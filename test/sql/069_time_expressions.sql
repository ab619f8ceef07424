-- INTERVAL arithmetic and EXTRACT are left to the expression engine.
-- expect: sink.schema = "id:int64, later:timestamp, h:int64"
CREATE TABLE orders (id BIGINT, ts TIMESTAMP, WATERMARK FOR ts) WITH (connector = 'nats', subject = 'orders.in');
SELECT id, ts + INTERVAL '1' MINUTE AS later, extract(hour from ts) AS h
FROM orders
WHERE ts > ts - INTERVAL '5 seconds';
