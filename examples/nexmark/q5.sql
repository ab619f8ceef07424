-- Nexmark q5 (hot items): the auctions with the most bids in each 10 s window, every 2 s.
CREATE TABLE nexmark WITH (connector = 'nexmark', event_rate = '10000');

SELECT AuctionBids.auction, AuctionBids.num
FROM (
  SELECT bid.auction AS auction, count(*) AS num,
         hop(interval '2 seconds', interval '10 seconds') AS window
  FROM nexmark
  WHERE bid IS NOT NULL
  GROUP BY auction, window
) AS AuctionBids
JOIN (
  SELECT max(CountBids.num) AS maxn, CountBids.window
  FROM (
    SELECT count(*) AS num, hop(interval '2 seconds', interval '10 seconds') AS window
    FROM nexmark
    WHERE bid IS NOT NULL
    GROUP BY bid.auction, window
  ) AS CountBids
  GROUP BY CountBids.window
) AS MaxBids
ON AuctionBids.window = MaxBids.window AND AuctionBids.num >= MaxBids.maxn;
