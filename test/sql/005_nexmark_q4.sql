-- Nexmark q4 (average price per category): the closing price of each auction is its highest
-- valid bid; then the average closing price per category, an updating aggregate over the
-- changelog of the per-auction maxima (retractions taken back).
-- expect: aggregate#1.group_by = ["A.id", "A.category"]
-- expect: aggregate#2.group_by = ["category"]
-- expect: aggregate#2.aggregates = ["avg(final) AS avg_price"]
-- expect: aggregate#2.updating = true
-- expect: sink.schema = "category:int64, avg_price:float64, _op:utf8"
CREATE TABLE nexmark WITH (connector = 'nexmark', event_rate = '10000');

CREATE VIEW auction AS
  SELECT auction.id AS id, auction.category AS category, auction.datetime AS datetime, auction.expires AS expires
  FROM nexmark WHERE auction IS NOT NULL;

CREATE VIEW bid AS
  SELECT bid.auction AS auction, bid.price AS price, bid.datetime AS datetime
  FROM nexmark WHERE bid IS NOT NULL;

SELECT Q.category, avg(Q.final) AS avg_price
FROM (
  SELECT max(B.price) AS final, A.category AS category
  FROM auction AS A
  JOIN bid AS B ON A.id = B.auction
  WHERE B.datetime BETWEEN A.datetime AND A.expires
  GROUP BY A.id, A.category
) AS Q
GROUP BY Q.category;
