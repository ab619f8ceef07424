-- A bounded impulse (message_count = 20: counters 0..19 over all subtasks) into a global
-- updating aggregate; how the counters fall into batches is not fixed, so the final state is compared.
-- parallelism: 1,2
-- changelog: final
-- expected: even counters 0, 2, ..., 18: ten of them, sum 2 * (0 + 1 + ... + 9) = 90, max 18.
CREATE TABLE impulse WITH (connector = 'impulse', message_count = '20');
SELECT count(*) AS n, sum(counter) AS total, max(counter) AS top
FROM impulse
WHERE counter % 2 = 0;
