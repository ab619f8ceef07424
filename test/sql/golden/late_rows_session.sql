-- A late row for a session window: it would have joined a session that already closed.
-- Batches of 4 lines at parallelism 1 (as late_rows.sql): watermark 10:00:11 after the first batch
-- closes a's session [:01, :06) and b's [:04, :08); line 5 (a, 10:00:05) overlaps no open session
-- and its own [:05, :09) is complete: dropped and counted.
-- config: {"batch_size": 4, "linger_ms": 1000}
-- late_records: 1
-- expected: sessions (gap 4 s, [first, last + 4 s)) of data/late.jsonl without line 5: a :01 :02 | :12 | :21 | :26 :29, b :04 | :11.5 :15 | :24 :27 (no two consecutive times of a key exactly 4 s apart); totals are the sums of v.
CREATE TABLE events (k TEXT, v BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH (connector = 'json_file', path = '$DATA/late.jsonl', format = 'json');
SELECT k, n, total, window.start AS win_start, window.end AS win_end FROM (
  SELECT k, count(*) AS n, sum(v) AS total, session(interval '4 seconds') AS window
  FROM events
  GROUP BY k, window
);
