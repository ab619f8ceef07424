-- Nexmark q4 (average price per category): the closing price of each auction is its highest
-- valid bid (within the auction's lifetime) in a 10 s window; then the running average of closing
-- prices per category (an updating aggregate over the windowed results).
-- expect: window_aggregate.window = {"kind": "tumble", "size_ms": 10000}
-- expect: aggregate.updating = true
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
  SELECT A.category AS category, max(B.price) AS final, tumble(interval '10 seconds') AS window
  FROM auction AS A
  JOIN bid AS B ON A.id = B.auction
  WHERE B.datetime BETWEEN A.datetime AND A.expires
  GROUP BY A.id, A.category, window
) AS Q
GROUP BY Q.category;
