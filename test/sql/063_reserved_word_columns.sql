-- Columns named with reserved words (user, end, timestamp).
-- expect: sink.schema = "user:utf8, start:timestamp, end:timestamp, timestamp:timestamp"
CREATE TABLE s (user TEXT, start TIMESTAMP, end TIMESTAMP, timestamp TIMESTAMP) WITH (connector = 'nats', subject = 's');
SELECT user, start, end, timestamp FROM s WHERE CASE WHEN user = 'a' THEN true ELSE false END;
