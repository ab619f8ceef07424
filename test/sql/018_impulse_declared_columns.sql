-- A column list on a generator table is optional and must name its columns.
-- plan: source > sink
CREATE TABLE impulse (counter BIGINT UNSIGNED NOT NULL, subtask_index BIGINT UNSIGNED NOT NULL, timestamp TIMESTAMP)
  WITH (connector = 'impulse', event_rate = '10');
SELECT * FROM impulse;
