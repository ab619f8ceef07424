-- Nexmark q2 (selection): the bids on a few auctions.
-- plan: source > filter > project > sink
-- expect: sink.schema = "auction:int64, price:int64"
CREATE TABLE nexmark WITH (connector = 'nexmark', event_rate = '10000');

SELECT bid.auction, bid.price
FROM nexmark
WHERE bid IS NOT NULL AND bid.auction % 123 = 0;
