import type * as arrow from 'apache-arrow';
import { pack, unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { JsonBatchBuilder, hashKeys, takeRows } from '../src/dataflow/arrow/index.js';
import type { KeyedSnapshot } from '../src/operators/types.js';
import type { WindowOperatorBase } from '../src/operators/window/base.js';
import { windowAggregateOperator, type WindowAggregateSpec } from '../src/operators/window/window-aggregate.js';
import { keyGroupRange, partitionByKeyGroup } from '../src/state/key-groups.js';
import type { Schema, WindowSpec } from '../src/types.js';
import { jsonRowsOf } from './helpers/batches.js';
import { rng } from './helpers/random.js';

const SCHEMA: Schema = {
  fields: [
    { name: 'user', type: 'utf8' },
    { name: 'id', type: 'int64' },
    { name: 'amount', type: 'float64' },
    { name: 'name', type: 'utf8' },
    { name: 'ts', type: 'timestamp' },
  ],
};
const GROUP_BY = ['user', 'id'];
const AGGS = ['count(*) AS n', 'sum(amount) AS total', 'min(name) AS lo', 'max(amount) AS hi', 'avg(amount) AS mean', 'count(DISTINCT name) AS names'];

type Event = { batch: arrow.RecordBatch } | { watermark: number };


/** Rows trailing a clock by up to 2 s; watermarks 1.2 s behind it, so some rows come late. */
function stream(seed: number, batches: number): Event[] {
  const next = rng(seed);
  let clock = 1_700_000_000_000;
  const events: Event[] = [];
  for (let b = 0; b < batches; b++) {
    const n = 20 + Math.floor(next() * 200);
    const builder = new JsonBatchBuilder(SCHEMA, n);
    for (let i = 0; i < n; i++) {
      clock += Math.floor(next() * 8);
      builder.appendObject({
        user: next() < 0.05 ? null : `user-${Math.floor(next() * 30)}`,
        id: next() < 0.05 ? null : (2n ** 55n + BigInt(Math.floor(next() * 4))).toString(),
        amount: next() < 0.2 ? null : Math.floor(next() * 1e5) / 4,
        name: next() < 0.2 ? null : `n${Math.floor(next() * 20)}`,
        ts: clock - Math.floor(next() * 2000),
      });
    }
    events.push({ batch: builder.finish() });
    if (next() < 0.5) events.push({ watermark: clock - 1200 });
  }
  events.push({ watermark: Number.MAX_SAFE_INTEGER });
  return events;
}

interface Run {
  ops: WindowOperatorBase[];
  late: number;
}

function start(spec: WindowAggregateSpec, p: number): Run {
  const run: Run = { ops: [], late: 0 };
  run.ops = Array.from({ length: p }, (_, i) => windowAggregateOperator(spec, SCHEMA, { subtaskIndex: i, parallelism: p, onLateRows: (n) => (run.late += n) }));
  return run;
}

/** One event through every subtask, rows routed as the shuffle routes them; output rows sorted. */
function step(run: Run, e: Event): string[] {
  if ('watermark' in e) return run.ops.flatMap((op) => jsonRowsOf(op.onWatermark(e.watermark))).sort();
  const parts = partitionByKeyGroup(hashKeys(e.batch, GROUP_BY), run.ops.length);
  run.ops.forEach((op, s) => {
    if (parts[s]!.length > 0) expect(op.process(takeRows(e.batch, parts[s]!))).toBeNull();
  });
  return [];
}

const WINDOWS: [string, WindowSpec][] = [
  ['tumble 500 ms', { kind: 'tumble', size_ms: 500 }],
  ['hop 200 ms / 600 ms', { kind: 'hop', slide_ms: 200, size_ms: 600 }],
  ['session 150 ms', { kind: 'session', gap_ms: 150 }],
];

describe('window_aggregate snapshot and restore', () => {
  for (const [title, window] of WINDOWS) {
    for (const [before, after] of [[2, 3], [3, 1], [1, 4]] as const) {
      it(`${title}: restored mid-stream from parallelism ${before} to ${after}, the output is that of an uninterrupted run`, () => {
        const spec: WindowAggregateSpec = { kind: 'window_aggregate', window, time_column: 'ts', group_by: GROUP_BY, aggregates: AGGS };
        const events = stream(before * 10 + after + title.length, 60);
        const reference = start(spec, 1);
        const expected = events.map((e) => step(reference, e));
        expect(expected.flat().length).toBeGreaterThan(50);
        expect(reference.late).toBeGreaterThan(0);

        // Split right after a watermark, so rows that are late only by the restored watermark come next.
        const split = events.findIndex((e, i) => i > events.length / 2 && 'watermark' in e) + 1;
        const old = start(spec, before);
        events.slice(0, split).forEach((e, i) => expect(step(old, e)).toEqual(expected[i]));
        // Through msgpack, as a checkpoint stores it.
        const snapshots = old.ops.map((op) => unpack(pack(op.snapshot())) as KeyedSnapshot);

        const restored = start(spec, after);
        restored.late = old.late;
        for (const op of restored.ops) op.restore(snapshots);
        restored.ops.forEach((op, s) => {
          const range = keyGroupRange(s, after);
          for (const kg of Object.keys(op.snapshot()).map(Number)) expect(kg >= range.start && kg < range.end).toBe(true);
        });
        const total = (r: Run) => r.ops.reduce((n, op) => n + op.openGroups, 0);
        expect(total(restored)).toBe(total(old));
        expect(total(restored)).toBeGreaterThan(0);

        events.slice(split).forEach((e, i) => expect(step(restored, e)).toEqual(expected[split + i]));
        expect(restored.late).toBe(reference.late);
        expect(total(restored)).toBe(0);
      });
    }
  }

  it('restores no watermark when the old run had none, and nothing from no snapshots', () => {
    const spec: WindowAggregateSpec = { kind: 'window_aggregate', window: { kind: 'tumble', size_ms: 100 }, time_column: 'ts', group_by: ['user'], aggregates: ['count(*)'] };
    const a = start(spec, 1).ops[0]!;
    const events = stream(1, 3).filter((e) => 'batch' in e);
    for (const e of events) step({ ops: [a], late: 0 }, e);
    const b = start(spec, 1).ops[0]!;
    b.restore([a.snapshot()]);
    expect(b.openGroups).toBe(a.openGroups);
    // No watermark: an old row is not late.
    let late = 0;
    const c = windowAggregateOperator(spec, SCHEMA, { subtaskIndex: 0, parallelism: 1, onLateRows: (n) => (late += n) });
    c.restore([a.snapshot()]);
    c.process((events[0] as { batch: arrow.RecordBatch }).batch);
    expect(late).toBe(0);
    b.restore([]);
    expect(b.openGroups).toBe(0);
    expect(b.openKeys).toBe(0);
  });

  it('refuses windows that do not fit its window spec', () => {
    const spec = (size: number): WindowAggregateSpec => ({ kind: 'window_aggregate', window: { kind: 'tumble', size_ms: size }, time_column: 'ts', group_by: ['user'], aggregates: ['count(*)'] });
    const a = start(spec(300), 1).ops[0]!;
    step({ ops: [a], late: 0 }, stream(2, 1)[0]!);
    expect(() => start(spec(200), 1).ops[0]!.restore([a.snapshot()])).toThrow(/does not fit/);
  });
});
