// Throughput of the updating aggregate on one core: the seed's five aggregates over 4096-row
// batches, for a few key shapes and key counts. Not a test: numbers depend on the machine.
// Build, then `node dist/scripts/bench-aggregate.js [seconds per case]`.

import * as arrow from 'apache-arrow';
import { aggregateOperator } from '../src/operators/aggregate.js';
import type { Schema } from '../src/types.js';

const SECONDS = Number(process.argv[2] ?? 1);
const ROWS = 4096;
const BATCHES = 16;

const SCHEMA: Schema = {
  fields: [
    { name: 'id', type: 'int64', nullable: false },
    { name: 'user', type: 'utf8' },
    { name: 'region', type: 'int32' },
    { name: 'amount', type: 'float64' },
  ],
};
const SEED_AGGS = ['count(*) AS n', 'sum(amount) AS total', 'min(amount) AS lo', 'max(amount) AS hi', 'avg(amount) AS mean'];

/** Distinct batches (so keys recur across batches as in a stream), `keys` distinct users/ids. */
function makeBatches(keys: number): arrow.RecordBatch[] {
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
  return Array.from({ length: BATCHES }, () => {
    const ids: bigint[] = [];
    const users: (string | null)[] = [];
    const regions: number[] = [];
    const amounts: (number | null)[] = [];
    for (let i = 0; i < ROWS; i++) {
      const k = Math.floor(next() * keys);
      ids.push(BigInt(1_000_000_000 + k));
      users.push(`user-${k}`);
      regions.push(k % 7);
      amounts.push(i % 13 === 0 ? null : Math.round(next() * 100000) / 100);
    }
    return new arrow.RecordBatch({
      id: arrow.vectorFromArray(ids, new arrow.Int64()).data[0]!,
      user: arrow.vectorFromArray(users, new arrow.Utf8()).data[0]!,
      region: arrow.vectorFromArray(regions, new arrow.Int32()).data[0]!,
      amount: arrow.vectorFromArray(amounts, new arrow.Float64()).data[0]!,
    });
  });
}

const CASES: [string, string[], string[], number][] = [
  ['group by user (utf8), seed aggregates', ['user'], SEED_AGGS, 1000],
  ['group by user (utf8), seed aggregates', ['user'], SEED_AGGS, 100_000],
  ['group by id (int64), seed aggregates', ['id'], SEED_AGGS, 1000],
  ['group by region, user', ['region', 'user'], SEED_AGGS, 1000],
  ['group by user, count(*) only', ['user'], ['count(*)'], 1000],
  ['group by user, sum(amount * 2), max(user)', ['user'], ['sum(amount * 2) AS s', 'max(user) AS m'], 1000],
];

console.log(`aggregate, ${ROWS}-row batches, ${SECONDS}s per case (node ${process.version})`);
for (const [title, groupBy, aggs, keys] of CASES) {
  const batches = makeBatches(keys);
  const op = aggregateOperator(groupBy, aggs, SCHEMA, { subtaskIndex: 0, parallelism: 1 });
  // Warm-up, so the JIT and the key state settle before timing.
  for (let i = 0; i < 64; i++) op.process(batches[i % BATCHES]!);
  let rows = 0;
  let out = 0;
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  while (performance.now() < end) {
    for (const b of batches) {
      out += op.process(b)?.numRows ?? 0;
      rows += b.numRows;
    }
  }
  const s = (performance.now() - t0) / 1000;
  const label = `${title}, ${keys} keys`.padEnd(62);
  console.log(`${label} ${(rows / s / 1e6).toFixed(2).padStart(6)} M rows/s   ${(out / rows).toFixed(3)} rows out per row in`);
}
