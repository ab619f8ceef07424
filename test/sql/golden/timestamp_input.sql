-- Timestamps in JSON input: RFC 3339 with Z or an offset, fractions, a space instead of T, no
-- seconds, milliseconds since the epoch, NULL; read as UTC instants.
-- parallelism: 1,2
-- expected: each input converted to UTC by hand (+01:00 subtracts an hour, -00:30 adds half an hour, -01:00 adds one; 1709287200000 ms = 19783 days (2024-03-01) * 86400 s + 36000 s, i.e. 10:00:00Z); extract(millisecond) = seconds * 1000 with the fraction; NULL stays NULL.
CREATE TABLE times (id BIGINT, ts TIMESTAMP)
  WITH (connector = 'json_file', path = '$DATA/times.jsonl', format = 'json');
SELECT id, ts, extract(hour FROM ts) AS h, extract(minute FROM ts) AS m,
       extract(millisecond FROM ts) AS ms, date_trunc('hour', ts) AS hour_start
FROM times;
