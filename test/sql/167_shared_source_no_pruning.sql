-- A shared source is not pruned when a branch reads every column (here SELECT * into a sink).
-- plan: source > sink > filter > project > sink
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
CREATE TABLE everything WITH (connector = 'nats', subject = 'orders.all');
CREATE TABLE small WITH (connector = 'nats', subject = 'orders.small');
INSERT INTO everything SELECT * FROM orders;
INSERT INTO small SELECT id FROM orders WHERE amount < 10;
