// Throughput of the Nexmark generator on one core: whole batches of NEXMARK_SCHEMA (the mix of
// 1 person : 3 auctions : 46 bids), and batches of bids only, as the source builds them. Not a
// test: numbers depend on the machine. Build, then `node dist/scripts/bench-nexmark.js [seconds]`.

import { NexmarkGenerator } from '../src/connectors/nexmark/generator.js';
import { BID, kindOf } from '../src/connectors/nexmark/model.js';

const SECONDS = Number(process.argv[2] ?? 2);
const ROWS = 4096;

interface Result {
  case: string;
  events_per_s: number;
  bytes_per_event: number;
}

function measure(name: string, makeBatch: (first: number) => { numRows: number; byteLength: number }): Result {
  // Warm up the JIT, then count whole batches for SECONDS.
  for (let i = 0; i < 50; i++) makeBatch(i * ROWS);
  let events = 0;
  let bytes = 0;
  let first = 1_000_000;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(SECONDS * 1e9));
  while (process.hrtime.bigint() - start < budget) {
    const b = makeBatch(first);
    first += ROWS;
    events += b.numRows;
    bytes += b.byteLength;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { case: name, events_per_s: Math.round(events / seconds), bytes_per_event: Math.round(bytes / events) };
}

function byteLength(batch: { data: { children: { buffers: (ArrayBufferView | undefined)[] }[] } }): number {
  let n = 0;
  for (const child of batch.data.children) for (const b of child.buffers) n += b?.byteLength ?? 0;
  return n;
}

const gen = new NexmarkGenerator({ seed: 1 });

// Bids only: the event numbers of one subtask's rows that are bids (46 in 50).
const bidNumbers = (first: number): Float64Array => {
  const out = new Float64Array(ROWS);
  let r = 0;
  for (let n = first; r < ROWS; n++) if (kindOf(n) === BID) out[r++] = n;
  return out;
};
const bidLists = Array.from({ length: 64 }, (_, i) => bidNumbers(i * ROWS * 2));

const results = [
  measure('mixed events (1:3:46), 4096-row batches', (first) => {
    const b = gen.batch(ROWS, first, 1);
    return { numRows: b.numRows, byteLength: byteLength(b as never) };
  }),
  measure('bids only, 4096-row batches', (first) => {
    const b = gen.batch(ROWS, 0, 0, bidLists[(first / ROWS) % 64]!);
    return { numRows: b.numRows, byteLength: byteLength(b as never) };
  }),
  measure('mixed, one subtask of 4 (every 4th event)', (first) => {
    const b = gen.batch(ROWS, first * 4, 4);
    return { numRows: b.numRows, byteLength: byteLength(b as never) };
  }),
];
console.table(results);
