-- INSERT INTO a nats table: that table is a sink.
-- plan: source > filter > project > sink
-- expect: sink.sink = {"type": "nats", "config": {"subject": "orders.big", "format": "json"}}
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
CREATE TABLE big WITH (connector = 'nats', subject = 'orders.big', format = 'json');
INSERT INTO big SELECT id, amount FROM orders WHERE amount > 10000;
