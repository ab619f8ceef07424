--fail=subqueries in expressions are not supported
CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '100');
SELECT counter FROM impulse WHERE counter IN (SELECT counter FROM impulse);
