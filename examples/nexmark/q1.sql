-- Nexmark q1 (currency conversion): bid prices from dollars to euros.
CREATE TABLE nexmark WITH (connector = 'nexmark', event_rate = '10000');

SELECT bid.auction, bid.bidder, bid.price * 0.908 AS price, bid.datetime
FROM nexmark
WHERE bid IS NOT NULL;
