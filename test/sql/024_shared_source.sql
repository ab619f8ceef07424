-- Two INSERTs reading one table share its source node; a projection right after it keeps only
-- the columns the branches read (user is dropped), since its batches cross to two tasks.
-- plan: source > project > filter > project > sink > filter > project > sink
-- expect: project#1.expressions = ["\"id\"", "\"amount\""]
-- expect: filter#1.schema = "id:int64, amount:float64"
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
CREATE TABLE small WITH (connector = 'nats', subject = 'orders.small');
CREATE TABLE large WITH (connector = 'nats', subject = 'orders.large');
INSERT INTO small SELECT id FROM orders WHERE amount < 10;
INSERT INTO large SELECT id FROM orders WHERE amount >= 10;
