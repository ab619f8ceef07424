-- SELECT * passes rows through: no project node.
-- plan: source > sink
-- expect: sink.schema = "id:int64, amount:float64, user:utf8, ts:timestamp"
-- expect: sink.sink = {"type": "preview", "config": {}}
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (connector = 'nats', subject = 'orders.in', format = 'json');
SELECT * FROM orders;
