-- Nexmark q1 (currency conversion): bid prices from dollars to euros.
-- plan: source > filter > project > sink
-- expect: sink.schema = "auction:int64, bidder:int64, price:float64, datetime:timestamp"
-- expect: source.event_time = {"event_time_field": "event_time", "watermark_delay_ms": 1000}
CREATE TABLE nexmark WITH (connector = 'nexmark', event_rate = '10000');

SELECT bid.auction, bid.bidder, bid.price * 0.908 AS price, bid.datetime
FROM nexmark
WHERE bid IS NOT NULL;
