-- A view is inlined where used: twice here, over one source.
-- plan: source > filter > filter > join > project > sink
-- expect: join.left_keys = ["counter"]
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
CREATE VIEW odd AS (SELECT * FROM impulse WHERE counter % 2 == 1);
SELECT A.counter, B.counter AS c2 FROM odd A JOIN odd B ON A.counter = B.counter;
