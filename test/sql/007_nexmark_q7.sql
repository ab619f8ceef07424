-- Nexmark q7 (highest bid): the bids that were the highest of their 10 s window. The windowed
-- maximum joins the (non-windowed) stream of bids, an inner join that keeps rows for updating_ttl.
-- expect: join.ttl_ms = 60000
-- expect: sink.schema = "auction:int64, price:int64, bidder:int64, datetime:timestamp"
CREATE TABLE nexmark WITH (connector = 'nexmark', event_rate = '10000');
SET updating_ttl = '1 minute';

CREATE VIEW bid AS
  SELECT bid.auction AS auction, bid.bidder AS bidder, bid.price AS price, bid.datetime AS datetime
  FROM nexmark WHERE bid IS NOT NULL;

SELECT B.auction, B.price, B.bidder, B.datetime
FROM bid AS B
JOIN (
  SELECT max(price) AS maxprice, tumble(interval '10 seconds') AS window
  FROM bid
  GROUP BY window
) AS M ON B.price = M.maxprice
WHERE B.datetime >= M.window.start AND B.datetime < M.window.end;
