-- Nexmark q3 (local item suggestion): sellers in OR, ID or CA who put up items in category 10.
-- A join without windows: each side's rows are kept for updating_ttl.
-- plan: source > filter > project > filter > project > join > filter > project > sink
-- expect: source.source.config.columns = ["person.id", "person.name", "person.city", "person.state", "auction.id", "auction.seller", "auction.category", "event_time"]
-- expect: join.ttl_ms = 3600000
-- expect: join.left_keys = ["seller"]
-- expect: join.right_keys = ["id"]
-- expect: sink.schema = "name:utf8, city:utf8, state:utf8, id:int64"
CREATE TABLE nexmark WITH (connector = 'nexmark', event_rate = '10000');
SET updating_ttl = '1 hour';

CREATE VIEW auction AS
  SELECT auction.id AS id, auction.seller AS seller, auction.category AS category
  FROM nexmark WHERE auction IS NOT NULL;

CREATE VIEW person AS
  SELECT person.id AS id, person.name AS name, person.city AS city, person.state AS state
  FROM nexmark WHERE person IS NOT NULL;

SELECT P.name, P.city, P.state, A.id
FROM auction AS A
JOIN person AS P ON A.seller = P.id
WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA');
