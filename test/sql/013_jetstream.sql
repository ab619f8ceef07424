-- JetStream source (from a sequence) and sink.
-- plan: source > project > sink
-- expect: source.source = {"type": "jetstream", "config": {"stream": "ORDERS", "subject": "orders.>", "format": "json", "schema": {"fields": [{"name": "id", "type": "int64", "nullable": true}, {"name": "amount", "type": "float64", "nullable": false}]}, "start_sequence": 10}}
-- expect: sink.sink = {"type": "jetstream", "config": {"stream": "OUT", "subject": "orders.out", "format": "json"}}
CREATE TABLE src (id BIGINT, amount DOUBLE NOT NULL)
  WITH (connector = 'jetstream', stream = 'ORDERS', subject = 'orders.>', start_sequence = '10');
CREATE TABLE dst WITH (connector = 'jetstream', stream = 'OUT', subject = 'orders.out');
INSERT INTO dst SELECT id, amount / 100 AS amount FROM src;
