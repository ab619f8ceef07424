-- Nexmark q8 (monitor new users): people who opened an account and put up an auction in the
-- same 10 s window. Both sides are window aggregations over the same window: a windowed join.
-- expect: join.join_type = "inner"
-- expect: join.time_columns = ["_timestamp", "_timestamp"]
-- expect: sink.schema = "id:int64, name:utf8, starttime:timestamp"
CREATE TABLE nexmark WITH (connector = 'nexmark', event_rate = '10000');

SELECT P.id, P.name, P.window.start AS starttime
FROM (
  SELECT person.id AS id, person.name AS name, tumble(interval '10 seconds') AS window
  FROM nexmark
  WHERE person IS NOT NULL
  GROUP BY 1, 2, window
) AS P
JOIN (
  SELECT auction.seller AS seller, tumble(interval '10 seconds') AS window
  FROM nexmark
  WHERE auction IS NOT NULL
  GROUP BY 1, window
) AS A
ON P.id = A.seller AND P.window = A.window;
