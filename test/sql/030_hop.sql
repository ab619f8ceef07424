-- hop(slide, size); window.start / window.end.
-- expect: window_aggregate.window = {"kind": "hop", "slide_ms": 2000, "size_ms": 10000}
-- expect: sink.schema = "start:timestamp, end:timestamp, count:int64, min:int64, max:int64"
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT window.start, window.end, count, min, max FROM (
  SELECT hop(interval '2 second', interval '10 second') AS window,
         count(*) AS count, min(counter) AS min, max(counter) AS max
  FROM impulse
  GROUP BY 1
);
