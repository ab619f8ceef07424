-- SELECT A.counter, B.counter: the two columns keep their qualifiers to stay apart.
-- expect: sink.schema = "A.counter:int64, B.counter:int64"
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '10');
SELECT A.counter, B.counter FROM impulse A JOIN impulse B ON A.counter = B.counter;
