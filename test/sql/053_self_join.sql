-- A table joined with itself reads one source, into both inputs of the join.
-- plan: source > join > project > sink
-- expect: join.output_names = ["A.id", "A.amount", "A.user", "B.id", "B.amount", "B.user"]
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT A.id, B.id AS other FROM orders A JOIN orders B ON A.user = B.user;
