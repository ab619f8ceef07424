import type * as arrow from 'apache-arrow';
import { pack, unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { JsonBatchBuilder, hashKeys, takeRows } from '../src/dataflow/arrow/index.js';
import { aggregateOperator, type AggregateOperator } from '../src/operators/aggregate.js';
import type { KeyedSnapshot } from '../src/operators/types.js';
import { keyGroupRange, partitionByKeyGroup, subtaskOfKeyGroup } from '../src/state/key-groups.js';
import type { Schema } from '../src/types.js';
import { jsonRowsOf } from './helpers/batches.js';
import { rng } from './helpers/random.js';

const SCHEMA: Schema = {
  fields: [
    { name: 'user', type: 'utf8' },
    { name: 'id', type: 'int64' },
    { name: 'amount', type: 'float64' },
    { name: 'name', type: 'utf8' },
  ],
};
const GROUP_BY = ['user', 'id'];
const AGGS = ['count(*) AS n', 'sum(amount) AS total', 'min(amount) AS lo', 'max(name) AS top', 'avg(amount) AS mean', 'count(name) AS named'];


function randomBatch(next: () => number, n: number): arrow.RecordBatch {
  const b = new JsonBatchBuilder(SCHEMA, n);
  for (let i = 0; i < n; i++) {
    b.appendObject({
      user: next() < 0.05 ? null : `user-${Math.floor(next() * 40)}`,
      id: next() < 0.05 ? null : (2n ** 55n + BigInt(Math.floor(next() * 5))).toString(),
      amount: next() < 0.2 ? null : Math.round(next() * 1e6) / 100,
      name: next() < 0.2 ? null : `n${Math.floor(next() * 1000)}`,
    });
  }
  return b.finish();
}

const operators = (p: number): AggregateOperator[] =>
  Array.from({ length: p }, (_, i) => aggregateOperator(GROUP_BY, AGGS, SCHEMA, { subtaskIndex: i, parallelism: p }));

/** What the shuffle into the aggregate does: each row to the subtask owning its key group. */
function runParallel(ops: AggregateOperator[], batch: arrow.RecordBatch): string[] {
  const parts = partitionByKeyGroup(hashKeys(batch, GROUP_BY), ops.length);
  return ops.flatMap((op, s) => (parts[s]!.length ? jsonRowsOf(op.process(takeRows(batch, parts[s]!))) : []));
}

/** Every [keyGroup, key, state] held, sorted: comparable across parallelisms. */
function held(snapshots: KeyedSnapshot[]): string[] {
  return snapshots
    .flatMap((s) => Object.entries(s).flatMap(([kg, entries]) => (entries as [string, unknown][]).map(([k, v]) => JSON.stringify([Number(kg), k, v]))))
    .sort();
}

describe('aggregate snapshot and restore', () => {
  for (const [before, after] of [[2, 3], [3, 1], [1, 4]] as const) {
    it(`continues after a restore from parallelism ${before} to ${after} exactly as an uninterrupted run`, () => {
      const next = rng(7 * before + after);
      const batches = Array.from({ length: 10 }, () => randomBatch(next, 50 + Math.floor(next() * 400)));
      const reference = aggregateOperator(GROUP_BY, AGGS, SCHEMA, { subtaskIndex: 0, parallelism: 1 });
      const expected = batches.map((b) => jsonRowsOf(reference.process(b)).sort());

      const old = operators(before);
      for (const b of batches.slice(0, 5)) runParallel(old, b);
      // Through msgpack, as a checkpoint stores it.
      const snapshots = old.map((op) => unpack(pack(op.snapshot())) as KeyedSnapshot);

      const restored = operators(after);
      for (const op of restored) op.restore(snapshots);
      // Every key is now held by exactly the subtask that owns its key group, and nothing is lost.
      restored.forEach((op, s) => {
        const range = keyGroupRange(s, after);
        for (const kg of Object.keys(op.snapshot()).map(Number)) {
          expect(subtaskOfKeyGroup(kg, after)).toBe(s);
          expect(kg >= range.start && kg < range.end).toBe(true);
        }
      });
      expect(restored.reduce((n, op) => n + op.keys, 0)).toBe(old.reduce((n, op) => n + op.keys, 0));
      expect(held(restored.map((op) => op.snapshot()))).toEqual(held(old.map((op) => op.snapshot())));

      batches.slice(5).forEach((b, i) => expect(runParallel(restored, b).sort()).toEqual(expected[5 + i]));
      expect(held(restored.map((op) => op.snapshot()))).toEqual(held([reference.snapshot()]));
    });
  }

  it('snapshots copies: later updates do not change a taken snapshot', () => {
    const [op] = operators(1);
    const next = rng(1);
    op!.process(randomBatch(next, 200));
    const snap = op!.snapshot();
    const frozen = JSON.stringify(held([snap]));
    op!.process(randomBatch(next, 200));
    expect(JSON.stringify(held([snap]))).toBe(frozen);
  });

  it('restore replaces what the operator held', () => {
    const [a, b] = [operators(1)[0], operators(1)[0]];
    const next = rng(2);
    a!.process(randomBatch(next, 100));
    b!.process(randomBatch(next, 100));
    b!.restore([a!.snapshot()]);
    expect(held([b!.snapshot()])).toEqual(held([a!.snapshot()]));
    b!.restore([]);
    expect(b!.keys).toBe(0);
  });

  it('refuses state that does not fit its aggregates', () => {
    const [op] = operators(1);
    op!.process(randomBatch(rng(3), 10));
    const other = aggregateOperator(GROUP_BY, AGGS.slice(1), SCHEMA, { subtaskIndex: 0, parallelism: 1 });
    expect(() => other.restore([op!.snapshot()])).toThrow(/does not match/);
  });
});
