-- Two INSERTs reading one table share its source node.
-- plan: source > filter > project > sink > filter > project > sink
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
CREATE TABLE small WITH (connector = 'nats', subject = 'orders.small');
CREATE TABLE large WITH (connector = 'nats', subject = 'orders.large');
INSERT INTO small SELECT id FROM orders WHERE amount < 10;
INSERT INTO large SELECT id FROM orders WHERE amount >= 10;
