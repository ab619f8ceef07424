-- Session windows (gap 20 s) per user over the clicks: count(*) and count(DISTINCT page).
-- parallelism: 1,2
-- expected: per user the click times (s after 10:00) split where two are 20 s or more apart; a session is [first, last + 20 s): alice 2,6 | 35,51; bob 5,22 | 43; gina 11 | 38; erin 13; carol 24 | 57; dave 27,28; frank 46.
CREATE TABLE clicks (user TEXT, page TEXT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/clicks.jsonl', format = 'json', event_time_field = 'ts');
SELECT user, n, pages, window.start AS win_start, window.end AS win_end FROM (
  SELECT user, count(*) AS n, count(DISTINCT page) AS pages, session(interval '20 seconds') AS window
  FROM clicks
  GROUP BY user, window
);
