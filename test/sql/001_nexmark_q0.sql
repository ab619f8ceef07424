-- Nexmark q0 (pass-through): every bid, unchanged.
-- plan: source > filter > project > sink
-- expect: sink.schema = "auction:int64, bidder:int64, price:int64, datetime:timestamp"
-- expect: filter.condition = "\"bid.auction\" IS NOT NULL"
CREATE TABLE nexmark WITH (connector = 'nexmark', event_rate = '10000');

SELECT bid.auction, bid.bidder, bid.price, bid.datetime
FROM nexmark
WHERE bid IS NOT NULL;
