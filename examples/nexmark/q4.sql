-- Nexmark q4 (average price per category): the closing price of each auction is its highest
-- valid bid (one within the auction's lifetime); then the average closing price per category.
-- Both aggregates are updating: the inner one retracts an auction's old maximum when a higher
-- bid arrives, and the outer average takes that retraction back before adding the new maximum.
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
