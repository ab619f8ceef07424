-- Nexmark q0 (pass-through): every bid, unchanged.
CREATE TABLE nexmark WITH (connector = 'nexmark', event_rate = '10000');

SELECT bid.auction, bid.bidder, bid.price, bid.datetime
FROM nexmark
WHERE bid IS NOT NULL;
