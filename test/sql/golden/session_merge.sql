-- Session windows (gap 20 s) fed out of order: a row that overlaps two open sessions of its key
-- merges them. The watermark only moves after the whole (one-batch) input, so no row is late.
-- parallelism: 1,2
-- expected: per key the times (s after 10:00) x 0 30 15 90, y 5 40 26, z 10 31 50; sorted, a new session starts where two are 20 s or more apart: x {0,15,30} [:00, :50) v 1+2+8, x {90} [1:30, 1:50) v 32; y {5} [:05, :25) v 4, y {26,40} [:26, 1:00) v 64+16; z {10} [:10, :30) v 128, z {31,50} [:31, 1:10) v 256+512.
CREATE TABLE events (k TEXT, v BIGINT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/sessions.jsonl', format = 'json', event_time_field = 'ts');
SELECT k, n, total, window.start AS win_start, window.end AS win_end FROM (
  SELECT k, count(*) AS n, sum(v) AS total, session(interval '20 seconds') AS window
  FROM events
  GROUP BY k, window
);
