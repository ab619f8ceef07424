-- Nexmark q5 (hot items): the auctions with the most bids in each 10 s window, every 2 s.
-- expect: window_aggregate#1.window = {"kind": "hop", "slide_ms": 2000, "size_ms": 10000}
-- expect: window_aggregate#3.window = {"kind": "tumble", "size_ms": 1}
-- expect: join.window = {"kind": "tumble", "size_ms": 1}
-- expect: sink.schema = "auction:int64, num:int64"
-- golden: nexmark_q5.json
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
