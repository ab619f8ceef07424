-- A row behind the watermark in an already closed window is dropped and counted as late.
-- Batches of 4 lines at parallelism 1: the first batch (up to 10:00:12) sends watermark 10:00:11
-- (delay 1 s), which closes [10:00:00, 10:00:10); the 5th line (a, 10:00:05) comes in the next
-- batch and is late. The 6th (b, 10:00:11.5) is out of order too, but its window is still open.
-- Every later line is at most 1 s behind the newest before it, so no other row can be late.
-- config: {"batch_size": 4, "linger_ms": 1000}
-- late_records: 1
-- expected: 10 s windows of the lines of data/late.jsonl without line 5: [:00,:10) a = 1+2, b = 3; [:10,:20) a = 4, b = 6+7; [:20,:30) a = 8+10+12, b = 9+11.
CREATE TABLE events (k TEXT, v BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH (connector = 'json_file', path = '$DATA/late.jsonl', format = 'json');
SELECT k, n, total, window.start AS win_start FROM (
  SELECT k, count(*) AS n, sum(v) AS total, tumble(interval '10 seconds') AS window
  FROM events
  GROUP BY k, window
);
