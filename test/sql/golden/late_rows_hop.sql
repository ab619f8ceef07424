-- Lateness is per window (Flink's rule): a hop row whose older window already closed still
-- counts in its newer, open window, and is not a late record.
-- Batches of 4 lines at parallelism 1 (as late_rows.sql): watermark 10:00:11 after the first batch
-- closes [09:59:50, 10:00:10); line 5 (a, 10:00:05) then counts only in [10:00:00, 10:00:20).
-- config: {"batch_size": 4, "linger_ms": 1000}
-- late_records: 0
-- expected: hop slide 10 s size 20 s over data/late.jsonl; a = 1@:01 2@:02 4@:12 5@:05 8@:21 10@:26 12@:29, b = 3@:04 6@:11.5 7@:15 9@:24 11@:27; [:-10,:10) a 1+2 (not 5), b 3; [:00,:20) a 1+2+4+5, b 3+6+7; [:10,:30) a 4+8+10+12, b 6+7+9+11; [:20,:40) a 8+10+12, b 9+11.
CREATE TABLE events (k TEXT, v BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH (connector = 'json_file', path = '$DATA/late.jsonl', format = 'json');
SELECT k, n, total, window.start AS win_start FROM (
  SELECT k, count(*) AS n, sum(v) AS total, hop(interval '10 seconds', interval '20 seconds') AS window
  FROM events
  GROUP BY k, window
);
