-- Selecting a Nexmark struct gives all of its columns.
-- expect: sink.schema = "bid.auction:int64, bid.bidder:int64, bid.price:int64, bid.channel:utf8, bid.url:utf8, bid.datetime:timestamp, bid.extra:utf8"
CREATE TABLE nexmark WITH (connector = 'nexmark', event_rate = '1000');
SELECT bid FROM nexmark WHERE bid IS NOT NULL;
