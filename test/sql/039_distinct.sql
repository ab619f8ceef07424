-- SELECT DISTINCT: an updating aggregate keyed by every column.
-- plan: source > project > aggregate > sink
-- expect: aggregate.group_by = ["user", "id"]
-- expect: aggregate.aggregates = []
CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT) WITH (connector = 'nats', subject = 'orders.in');
SELECT DISTINCT user, id FROM orders;
