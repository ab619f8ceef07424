-- Several bare SELECTs each get a preview sink.
-- plan: source > project > sink > filter > sink
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT counter FROM impulse;
SELECT * FROM impulse WHERE counter > 5;
