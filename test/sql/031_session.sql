-- A session window, grouped also by a CASE given by its alias.
-- expect: window_aggregate.window = {"kind": "session", "gap_ms": 20000}
-- expect: sink.schema = "start:timestamp, end:timestamp, user_id:int64, rows:int64"
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT window.start, window.end, user_id, rows FROM (
  SELECT SESSION(interval '20 seconds') AS window,
         CASE WHEN counter % 10 = 0 THEN 0 ELSE counter END AS user_id,
         count(*) AS rows
  FROM impulse
  GROUP BY window, user_id
);
