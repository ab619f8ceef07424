// The join without a window (inner, rows kept for ttl_ms of processing time) against a plain-JS
// reference, with an injected clock: matches go out as the second row of a pair arrives, rows
// expire after the TTL, state is dropped once expired, and a mid-stream rescale through a
// msgpack'd snapshot changes nothing.

import type * as arrow from 'apache-arrow';
import { pack, unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { JsonBatchBuilder, hashKeys, takeRows } from '../src/dataflow/arrow/index.js';
import { joinOperator, type JoinSpec, TtlJoin } from '../src/operators/join/index.js';
import type { KeyedSnapshot } from '../src/operators/types.js';
import { partitionByKeyGroup } from '../src/state/key-groups.js';
import type { Schema } from '../src/types.js';
import { tuplesOf } from './helpers/batches.js';
import { rng } from './helpers/random.js';

// The left side is e.g. a windowed aggregate's output, the right side a raw stream.
const LEFT: Schema = {
  fields: [
    { name: 'user', type: 'utf8' },
    { name: 'window_start', type: 'timestamp' },
    { name: 'total', type: 'int64' },
  ],
};
const RIGHT: Schema = {
  fields: [
    { name: 'id', type: 'int32' },
    { name: 'who', type: 'utf8' },
    { name: 'amount', type: 'float64' },
  ],
};
const TTL = 100;
const SPEC: JoinSpec = { kind: 'join', join_type: 'inner', left_keys: ['user'], right_keys: ['who'], ttl_ms: TTL, output_names: ['user', 'window_start', 'total', 'id', 'who', 'amount'] };

type Row = [string | null, number, number];
type Step = { now: number; side: 0 | 1; rows: Row[] };
type OutRow = unknown[];


function randomSteps(seed: number, count: number): Step[] {
  const next = rng(seed);
  let now = 5_000;
  let id = 0;
  return Array.from({ length: count }, () => {
    now += Math.floor(next() * 30);
    const side = next() < 0.5 ? 0 : 1;
    const rows = Array.from({ length: 1 + Math.floor(next() * 12) }, (): Row => [next() < 0.07 ? null : `u${Math.floor(next() * 8)}`, now - Math.floor(next() * 1000), id++]);
    return { now, side, rows };
  });
}

function toBatch(side: 0 | 1, rows: Row[]): arrow.RecordBatch {
  const b = new JsonBatchBuilder(side === 0 ? LEFT : RIGHT, rows.length);
  for (const [key, x, id] of rows) b.appendObject(side === 0 ? { user: key, window_start: x, total: id } : { id, who: key, amount: x / 8 });
  return b.finish();
}

const cells = (side: 0 | 1, [key, x, id]: Row): OutRow => (side === 0 ? [key, x, id] : [id, key, x / 8]);

/** Reference: every stored row with its time; a new row joins the other side's rows younger than the TTL. */
class ReferenceTtlJoin {
  private readonly stored: [{ row: Row; at: number }[], { row: Row; at: number }[]] = [[], []];

  step({ now, side, rows }: Step): OutRow[] {
    const out: OutRow[] = [];
    const other = this.stored[1 - side]!.filter((s) => now - s.at < TTL);
    for (const row of rows) {
      if (row[0] === null) continue;
      for (const o of other) {
        if (o.row[0] !== row[0]) continue;
        out.push(side === 0 ? [...cells(0, row), ...cells(1, o.row)] : [...cells(0, o.row), ...cells(1, row)]);
      }
    }
    for (const row of rows) this.stored[side]!.push({ row, at: now });
    return out;
  }
}

const sorted = (rows: OutRow[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

class Parallel {
  now = 0;
  readonly ops: TtlJoin[];

  constructor(parallelism: number) {
    this.ops = Array.from({ length: parallelism }, (_, i) => joinOperator(SPEC, LEFT, RIGHT, { subtaskIndex: i, parallelism }, { now: () => this.now }) as TtlJoin);
  }

  step(step: Step): OutRow[] {
    this.now = step.now;
    const batch = toBatch(step.side, step.rows);
    const parts = partitionByKeyGroup(hashKeys(batch, step.side === 0 ? SPEC.left_keys : SPEC.right_keys), this.ops.length);
    return this.ops.flatMap((op, i) => (parts[i]!.length ? tuplesOf(op.process(takeRows(batch, parts[i]!), step.side)) : []));
  }
}

describe('join without a window', () => {
  it('joins each arriving row with the other side rows of its key stored within the TTL', () => {
    const steps = randomSteps(11, 600);
    const reference = new ReferenceTtlJoin();
    const run = new Parallel(1);
    let emitted = 0;
    steps.forEach((step, i) => {
      const got = run.step(step);
      expect(sorted(got), `step ${i}`).toEqual(sorted(reference.step(step)));
      emitted += got.length;
    });
    expect(emitted).toBeGreaterThan(500);
  });

  it('expires rows exactly ttl_ms after they were stored, and drops their state', () => {
    const run = new Parallel(1);
    const [op] = run.ops;
    expect(run.step({ now: 1000, side: 0, rows: [['a', 1, 1]] })).toEqual([]);
    expect(run.step({ now: 1099, side: 1, rows: [['a', 8, 2]] })).toEqual([['a', 1, 1, 2, 'a', 1]]);
    // The left row is 100 ms old now: gone. The right row (stored at 1099) still matches.
    expect(run.step({ now: 1100, side: 1, rows: [['a', 16, 3]] })).toEqual([]);
    expect(run.step({ now: 1198, side: 0, rows: [['a', 2, 4]] })).toEqual([['a', 2, 4, 2, 'a', 1], ['a', 2, 4, 3, 'a', 2]]);
    expect(op!.held).toEqual([1, 2]);
    run.now = 5000;
    expect(op!.onWatermark()).toBeNull();
    expect(op!.held).toEqual([0, 0]);
  });

  it('does not let expired keys pile up', () => {
    const run = new Parallel(1);
    const [op] = run.ops;
    for (let i = 0; i < 3000; i++) run.step({ now: i * 10, side: (i % 2) as 0 | 1, rows: [[`key-${i}`, i, i]] });
    const store = (op as unknown as { sides: { store: { keys: number } }[] }).sides;
    // 10 rows per side live within the TTL; a sweep runs once dead references outnumber live ones by 1024.
    expect(store[0]!.store.keys + store[1]!.store.keys).toBeLessThan(2100);
  });

  it('the yielding snapshot (checkpoints) holds the same as the synchronous one', async () => {
    const run = new Parallel(2);
    for (const s of randomSteps(7, 300)) run.step(s);
    for (const op of run.ops) expect(await op.snapshotYielding()).toEqual(op.snapshot());
  });

  for (const [before, after] of [[2, 3], [3, 1], [1, 2]] as const) {
    it(`continues after a restore from parallelism ${before} to ${after} exactly as the reference`, () => {
      const steps = randomSteps(before * 5 + after, 500);
      const reference = new ReferenceTtlJoin();
      const expected = steps.map((s) => reference.step(s));
      const old = new Parallel(before);
      const got = steps.slice(0, 250).map((s) => old.step(s));
      const snapshots = old.ops.map((op) => unpack(pack(op.snapshot())) as KeyedSnapshot);
      const restored = new Parallel(after);
      restored.now = old.now;
      for (const op of restored.ops) op.restore(snapshots);
      const rows = (ops: TtlJoin[]): number => ops.reduce((n, op) => n + op.held[0] + op.held[1], 0);
      expect(rows(restored.ops)).toBe(rows(old.ops));
      got.push(...steps.slice(250).map((s) => restored.step(s)));
      got.forEach((g, i) => expect(sorted(g), `step ${i}`).toEqual(sorted(expected[i]!)));
    });
  }
});
