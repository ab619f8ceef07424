// Throughput of window_aggregate on one core, Nexmark q5's shape first: hop 2 s / 10 s (5 windows
// per row) over 1000 int64 keys, a watermark after every 4096-row batch, closed windows emitted
// as they complete (emission is in the timing). Event time runs at 1 M rows per second of event
// time, rows out of order by up to 500 ms. Not a test: numbers depend on the machine.
// Build, then `node dist/scripts/bench-window.js [seconds per case] [only cases whose title has this]`.

import * as arrow from 'apache-arrow';
import { windowAggregateOperator } from '../src/operators/window/window-aggregate.js';
import type { Schema, WindowSpec } from '../src/types.js';

const SECONDS = Number(process.argv[2] ?? 2);
const ROWS = 4096;
const BATCHES = 64;
const DISORDER_MS = 500;

const SCHEMA: Schema = {
  fields: [
    { name: 'auction', type: 'int64', nullable: false },
    { name: 'bidder', type: 'utf8', nullable: false },
    { name: 'price', type: 'float64', nullable: false },
    { name: 'ts', type: 'timestamp', nullable: false },
  ],
};

/** Template batches covering BATCHES·ROWS rows of event time; each pass shifts their times on. */
function makeBatches(keys: number, rowsPerMs: number): { batches: arrow.RecordBatch[]; spanMs: number } {
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
  let row = 0;
  const batches = Array.from({ length: BATCHES }, () => {
    const auctions: bigint[] = [];
    const bidders: string[] = [];
    const prices: number[] = [];
    const times: bigint[] = [];
    for (let i = 0; i < ROWS; i++, row++) {
      const k = Math.floor(next() * keys);
      auctions.push(BigInt(1000 + k));
      bidders.push(`bidder-${k}`);
      prices.push(Math.round(next() * 100000) / 100);
      times.push(BigInt(1_700_000_000_000 + Math.floor(row / rowsPerMs) - Math.floor(next() * DISORDER_MS)));
    }
    return new arrow.RecordBatch({
      auction: arrow.vectorFromArray(auctions, new arrow.Int64()).data[0]!,
      bidder: arrow.vectorFromArray(bidders, new arrow.Utf8()).data[0]!,
      price: arrow.vectorFromArray(prices, new arrow.Float64()).data[0]!,
      ts: arrow.vectorFromArray(times, new arrow.TimestampMillisecond()).data[0]!,
    });
  });
  return { batches, spanMs: Math.ceil(row / rowsPerMs) };
}

/** Moves a batch's event times `by` ms on, in place (two int32 words per value, no BigInt). */
function shift(batch: arrow.RecordBatch, by: number): void {
  const values = batch.getChild('ts')!.data[0]!.values as BigInt64Array;
  const w = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const lo = (w[2 * i]! >>> 0) + by;
    w[2 * i] = lo | 0;
    w[2 * i + 1] = w[2 * i + 1]! + Math.floor(lo / 4294967296);
  }
}

function maxTime(batch: arrow.RecordBatch): number {
  const v = batch.getChild('ts')!.data[0]!.values as BigInt64Array;
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Number(v[i]!));
  return max;
}

const Q5_HOP: WindowSpec = { kind: 'hop', slide_ms: 2000, size_ms: 10_000 };
const CASES: [string, WindowSpec, string[], string[], number, number][] = [
  ['hop 2s/10s, group by auction, count(*) (q5)', Q5_HOP, ['auction'], ['count(*) AS bids'], 1000, 1000],
  ['hop 2s/10s, group by auction, count/sum/max/avg(price)', Q5_HOP, ['auction'], ['count(*) AS n', 'sum(price) AS s', 'max(price) AS hi', 'avg(price) AS mean'], 1000, 1000],
  ['hop 2s/10s, group by bidder (utf8), count(*)', Q5_HOP, ['bidder'], ['count(*) AS n'], 1000, 1000],
  ['hop 2s/10s, group by auction, count(*), 100k keys', Q5_HOP, ['auction'], ['count(*) AS n'], 100_000, 1000],
  ['tumble 10s, group by auction, count(*)', { kind: 'tumble', size_ms: 10_000 }, ['auction'], ['count(*) AS n'], 1000, 1000],
  ['session gap 50ms, group by auction, count(*)', { kind: 'session', gap_ms: 50 }, ['auction'], ['count(*) AS n'], 1000, 10],
];

console.log(`window_aggregate, ${ROWS}-row batches, ${SECONDS}s per case (node ${process.version})`);
for (const [title, window, groupBy, aggs, keys, rowsPerMs] of CASES) {
  if (process.argv[3] && !title.includes(process.argv[3])) continue;
  const { batches, spanMs } = makeBatches(keys, rowsPerMs);
  // Each batch's latest event time, measured once; a pass moves them all on by spanMs.
  const latest = batches.map(maxTime);
  const op = windowAggregateOperator({ kind: 'window_aggregate', window, time_column: 'ts', group_by: groupBy, aggregates: aggs }, SCHEMA, { subtaskIndex: 0, parallelism: 1 });
  let rows = 0;
  let out = 0;
  let pass = 0;
  const run = (until: number) => {
    while (performance.now() < until) {
      for (const [i, b] of batches.entries()) {
        if (pass > 0) shift(b, spanMs);
        op.process(b);
        out += op.onWatermark(latest[i]! + pass * spanMs - DISORDER_MS - 1)?.numRows ?? 0;
        rows += b.numRows;
      }
      pass++;
    }
  };
  run(performance.now() + 300); // warm-up: JIT and state settle
  rows = out = 0;
  const t0 = performance.now();
  run(t0 + SECONDS * 1000);
  const s = (performance.now() - t0) / 1000;
  console.log(`${title.padEnd(62)} ${(rows / s / 1e6).toFixed(2).padStart(6)} M rows/s   ${(out / s / 1e3).toFixed(1).padStart(7)} k rows out/s   ${op.openKeys} keys open`);
}
