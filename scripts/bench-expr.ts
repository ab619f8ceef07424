// Throughput of the SQL expression engine on one core: typical filter conditions and projections
// over 4096-row batches (the default batch size). Not a test: numbers depend on the machine.
// Build, then `node dist/scripts/bench-expr.js [seconds per case]`.

import * as arrow from 'apache-arrow';
import { compileCondition, compileProjection, type CompiledExpr } from '../src/sql/expr/index.js';
import type { Schema } from '../src/types.js';

const SECONDS = Number(process.argv[2] ?? 1);
const ROWS = 4096;

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

function makeBatch(): arrow.RecordBatch {
  const ids: bigint[] = [];
  const users: (string | null)[] = [];
  const amounts: (number | null)[] = [];
  const qtys: number[] = [];
  const oks: boolean[] = [];
  const tss: number[] = [];
  for (let i = 0; i < ROWS; i++) {
    ids.push(BigInt(1_000_000_000 + i));
    users.push(i % 17 === 0 ? null : `user-${(i * 7919) % 1000}`);
    amounts.push(i % 13 === 0 ? null : Math.round(i * 13.37) / 100);
    qtys.push(i % 50);
    oks.push(i % 3 === 0);
    tss.push(1_700_000_000_000 + i * 1000);
  }
  return new arrow.RecordBatch({
    id: arrow.vectorFromArray(ids, new arrow.Int64()).data[0]!,
    user: arrow.vectorFromArray(users, new arrow.Utf8()).data[0]!,
    amount: arrow.vectorFromArray(amounts, new arrow.Float64()).data[0]!,
    qty: arrow.vectorFromArray(qtys, new arrow.Int32()).data[0]!,
    ok: arrow.vectorFromArray(oks, new arrow.Bool()).data[0]!,
    ts: arrow.vectorFromArray(tss, new arrow.TimestampMillisecond()).data[0]!,
  });
}

const CASES: [string, CompiledExpr][] = [
  ['filter  amount > 100', compileCondition('amount > 100', SCHEMA)],
  ['filter  qty BETWEEN 10 AND 20 AND ok', compileCondition('qty BETWEEN 10 AND 20 AND ok', SCHEMA)],
  ["filter  user LIKE 'user-1%'", compileCondition("user LIKE 'user-1%'", SCHEMA)],
  ["filter  user IN ('user-1', 'user-2', 'user-3')", compileCondition("user IN ('user-1', 'user-2', 'user-3')", SCHEMA)],
  ["filter  ts > '2023-11-14T22:30:00Z'", compileCondition("ts > '2023-11-14T22:30:00Z'", SCHEMA)],
  ['project id * 2 + qty', compileProjection('id * 2 + qty', SCHEMA)],
  ['project amount / qty (CASE guard)', compileProjection('CASE WHEN qty = 0 THEN NULL ELSE amount / qty END', SCHEMA)],
  ['project upper(user)', compileProjection('upper(user)', SCHEMA)],
  ["project concat(user, ':', qty)", compileProjection("concat(user, ':', qty)", SCHEMA)],
  ['project CAST(amount AS TEXT)', compileProjection('CAST(amount AS TEXT)', SCHEMA)],
];

function bench(name: string, expr: CompiledExpr, batch: arrow.RecordBatch): void {
  for (let i = 0; i < 50; i++) expr.evaluate(batch); // warm up
  let batches = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    expr.evaluate(batch);
    batches++;
  }
  const secs = (performance.now() - start) / 1000;
  const rowsPerSec = (batches * ROWS) / secs;
  console.log(`${name.padEnd(50)} ${(rowsPerSec / 1e6).toFixed(1).padStart(7)} M rows/s`);
}

const batch = makeBatch();
console.log(`expression throughput, ${ROWS}-row batches, ${SECONDS}s per case`);
for (const [name, expr] of CASES) bench(name, expr, batch);
