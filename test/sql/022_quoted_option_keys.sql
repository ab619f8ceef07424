-- Flink-style quoted option keys are accepted.
-- expect: source.source = {"type": "nats", "config": {"subject": "q.in", "format": "json", "schema": {"fields": [{"name": "a", "type": "int32", "nullable": true}]}}}
CREATE TABLE q (a INT) WITH ('connector' = 'nats', 'subject' = 'q.in', 'format' = 'json');
SELECT * FROM q;
