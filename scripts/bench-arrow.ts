// Throughput of the Arrow batch layer on one core: JSON decode (messages -> batches), JSON encode
// (batches -> row texts/bytes), IPC encode/decode (ours and Arrow JS's, for comparison), and
// hash partitioning. Not a test: numbers depend on the machine. Build, then
// `node dist/scripts/bench-arrow.js [seconds per case]`.

import * as arrow from 'apache-arrow';
import {
  JsonBatchBuilder,
  batchToJsonBytes,
  batchToJsonRows,
  decodeBatch,
  encodeBatch,
  partitionIndices,
  takeRows,
} from '../src/dataflow/arrow/index.js';
import type { Schema } from '../src/types.js';

const SECONDS = Number(process.argv[2] ?? 1);

const SCHEMA: Schema = {
  fields: [
    { name: 'id', type: 'int64', nullable: false },
    { name: 'user', type: 'utf8' },
    { name: 'amount', type: 'float64' },
    { name: 'qty', type: 'int32' },
    { name: 'ok', type: 'bool' },
    { name: 'ts', type: 'timestamp' },
  ],
};

function message(i: number): Uint8Array {
  const row = {
    id: 1_000_000_000 + i,
    user: `user-${(i * 7919) % 1000}`,
    amount: Math.round(i * 13.37) / 100,
    qty: i % 50,
    ok: i % 3 === 0,
    ts: i % 2 === 0 ? 1_700_000_000_000 + i : new Date(1_700_000_000_000 + i).toISOString(),
  };
  return new TextEncoder().encode(JSON.stringify(row));
}

/** Runs `fn` (which handles `rowsPerCall` rows) repeatedly for SECONDS and prints rows/s. */
function bench(name: string, rowsPerCall: number, fn: () => void): void {
  for (let i = 0; i < 20; i++) fn(); // warm up
  let calls = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 10; i++) fn();
    calls += 10;
    now = performance.now();
  }
  const perSec = (calls * 1000) / (now - start);
  const rows = (perSec * rowsPerCall) / 1e6;
  console.log(`${name.padEnd(44)} ${rows.toFixed(2).padStart(8)} M rows/s ${Math.round(perSec).toString().padStart(9)} calls/s`);
}

const messages = Array.from({ length: 4096 }, (_, i) => message(i));
const bytesPerMessage = messages.reduce((n, m) => n + m.length, 0) / messages.length;
console.log(`Rivulet Arrow layer, ${messages.length} messages of ~${Math.round(bytesPerMessage)} B, 6 columns, ${SECONDS}s per case\n`);

const builder = new JsonBatchBuilder(SCHEMA, 4096);
let batch4k!: arrow.RecordBatch;
bench('JSON decode (appendJson + finish, 4096)', 4096, () => {
  for (const m of messages) builder.appendJson(m);
  batch4k = builder.finish();
});
const decoder = new TextDecoder();
const parsed = messages.map((m) => JSON.parse(decoder.decode(m)) as unknown);
bench('  of which: appendObject only', 4096, () => {
  for (const o of parsed) builder.appendObject(o);
  builder.finish();
});
bench('  of which: JSON.parse only', 4096, () => {
  for (const m of messages) JSON.parse(decoder.decode(m));
});

bench('JSON encode (batchToJsonRows, 4096)', 4096, () => batchToJsonRows(batch4k));
bench('JSON encode (batchToJsonBytes, 4096)', 4096, () => batchToJsonBytes(batch4k));
bench('  Arrow JS toJSON() for comparison', 4096, () => batch4k.toArray().map((r) => JSON.stringify(r!.toJSON(), (_k, v) => (typeof v === 'bigint' ? Number(v) : v))));

for (const n of [4096, 1024, 16]) {
  const batch = batch4k.slice(0, n);
  const compact = takeRows(batch, Int32Array.from({ length: n }, (_, i) => i));
  const ours = encodeBatch(compact);
  const theirs = arrow.RecordBatchStreamWriter.writeAll([compact]).toUint8Array(true);
  decodeBatch(ours);
  bench(`IPC encode, ${n}-row batches`, n, () => encodeBatch(compact));
  bench(`  Arrow JS RecordBatchStreamWriter`, n, () => arrow.RecordBatchStreamWriter.writeAll([compact]).toUint8Array(true));
  bench(`IPC decode, ${n}-row batches`, n, () => decodeBatch(ours));
  bench(`  Arrow JS tableFromIPC`, n, () => arrow.tableFromIPC(theirs));
}

bench('partitionIndices by user into 8 (4096)', 4096, () => partitionIndices(batch4k, ['user'], 8));
bench('partition + takeRows into 8 (4096)', 4096, () => {
  for (const idx of partitionIndices(batch4k, ['user'], 8)) takeRows(batch4k, idx);
});
