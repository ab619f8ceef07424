// Throughput of the Nexmark generator on one core: 4096-row batches of NEXMARK_SCHEMA as the
// source builds them (the 1 : 3 : 46 mix, one subtask of four, bids only), and the source itself
// emitting into a no-op downstream. Not a test: numbers depend on the machine and its load, so
// each case runs several rounds and reports the best, by wall time and by CPU time (all threads:
// GC included). Build, then `node dist/scripts/bench-nexmark.js [rounds]`.

import type { RecordBatch } from 'apache-arrow';
import { pino } from 'pino';
import { NexmarkGenerator } from '../src/connectors/nexmark/generator.js';
import { BID, kindOf } from '../src/connectors/nexmark/model.js';
import { NexmarkSource } from '../src/connectors/sources/nexmark.js';
import type { SourceContext } from '../src/connectors/types.js';

const ROUNDS = Number(process.argv[2] ?? 8);
const ROWS = 4096;
const BATCHES_PER_ROUND = 50;

interface Result {
  case: string;
  'M events/s (wall)': number;
  'M events/s (cpu)': number;
  'bytes/event': number;
}

function bytesOf(batch: RecordBatch): number {
  let n = 0;
  for (const c of batch.data.children) n += (c.values?.byteLength ?? 0) + (c.valueOffsets?.byteLength ?? 0) + (c.nullBitmap?.byteLength ?? 0);
  return n;
}

function best(name: string, round: (k: number) => { events: number; bytes: number }): Result {
  round(-1); // warm up the JIT
  let wall = 0;
  let cpu = 0;
  let perEvent = 0;
  for (let k = 0; k < ROUNDS; k++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const { events, bytes } = round(k);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    wall = Math.max(wall, events / seconds);
    cpu = Math.max(cpu, events / ((c.user + c.system) / 1e6));
    perEvent = bytes / events;
  }
  const m = (x: number) => Math.round(x / 1e4) / 100;
  return { case: name, 'M events/s (wall)': m(wall), 'M events/s (cpu)': m(cpu), 'bytes/event': Math.round(perEvent) };
}

const gen = new NexmarkGenerator({ seed: 1 });
const batches = (make: (i: number) => RecordBatch) => (k: number) => {
  let events = 0;
  let bytes = 0;
  for (let i = 0; i < BATCHES_PER_ROUND; i++) {
    const b = make((k + 1) * BATCHES_PER_ROUND + i);
    events += b.numRows;
    bytes += bytesOf(b);
  }
  return { events, bytes };
};

// One subtask's rows that are bids (46 in 50), as a list of event numbers.
const bidLists = Array.from({ length: 16 }, (_, i) => {
  const out = new Float64Array(ROWS);
  for (let n = i * ROWS * 2, r = 0; r < ROWS; n++) if (kindOf(n) === BID) out[r++] = n;
  return out;
});

const results: Result[] = [
  best('mixed 1:3:46 (one subtask)', batches((i) => gen.batch(ROWS, i * ROWS, 1))),
  best('mixed, subtask 1 of 4 (every 4th event)', batches((i) => gen.batch(ROWS, i * ROWS * 4 + 1, 4))),
  best('bids only', batches((i) => gen.batch(ROWS, 0, 0, bidLists[i % 16]!))),
];

/** The source end to end: start, emit into a no-op downstream, until `count` events are out. */
async function sourceRound(count: number): Promise<{ events: number; bytes: number }> {
  const source = new NexmarkSource({ count, seed: 1 });
  let bytes = 0;
  const ctx: SourceContext = {
    jobId: 'bench',
    runId: 1,
    taskId: 'task-1',
    subtaskIndex: 0,
    parallelism: 1,
    nc: undefined as never, // the nexmark source never touches NATS
    prefix: 'rivulet',
    log: pino({ level: 'silent' }),
    batchSize: ROWS,
    lingerMs: 5,
    signal: new AbortController().signal,
    emit: async (batch) => void (bytes += bytesOf(batch)),
    reportBadRecord: () => undefined,
  };
  await source.start(ctx);
  await source.done;
  return { events: source.emitted, bytes };
}

await sourceRound(ROWS * 10);
let wall = 0;
let cpu = 0;
let perEvent = 0;
for (let k = 0; k < ROUNDS; k++) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const { events, bytes } = await sourceRound(ROWS * BATCHES_PER_ROUND);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  wall = Math.max(wall, events / seconds);
  cpu = Math.max(cpu, events / ((c.user + c.system) / 1e6));
  perEvent = bytes / events;
}
results.push({ case: 'NexmarkSource, unpaced, no-op emit', 'M events/s (wall)': Math.round(wall / 1e4) / 100, 'M events/s (cpu)': Math.round(cpu / 1e4) / 100, 'bytes/event': Math.round(perEvent) });
console.table(results);
