// Aggregate UDFs (udaf()) in the updating `aggregate` and in `window_aggregate`: results against
// a plain JS reference, null handling, accumulators mutated in place, session merges,
// snapshot/restore through msgpack, and argument type errors at compile time.

import type * as arrow from 'apache-arrow';
import { pack, unpack } from 'msgpackr';
import { beforeAll, describe, expect, it } from 'vitest';
import { JsonBatchBuilder } from '../src/dataflow/arrow/index.js';
import { JobRuntimeError, ValidationError } from '../src/errors.js';
import { aggregateOperator, OP_COLUMN } from '../src/operators/aggregate.js';
import { compileAggregateCall } from '../src/operators/aggregate/calls.js';
import type { KeyedSnapshot } from '../src/operators/types.js';
import { windowAggregateOperator, type WindowAggregateSpec } from '../src/operators/window/window-aggregate.js';
import { loadUdfs, type UdfRegistry } from '../src/sql/expr/index.js';
import type { Schema } from '../src/types.js';
import { rowsOf } from './helpers/batches.js';
import { rng } from './helpers/random.js';

const MODULE = `
import { udaf } from 'rivulet/udf';

interface Sum { s: number; n: number }
export const my_sum = udaf({ args: ['float64'], returns: 'float64' }, {
  create: (): Sum => ({ s: 0, n: 0 }),
  add: (acc: Sum, x: number) => ({ s: acc.s + x, n: acc.n + 1 }),
  merge: (a: Sum, b: Sum) => ({ s: a.s + b.s, n: a.n + b.n }),
  result: (acc: Sum) => (acc.n === 0 ? null : acc.s),
});
// Two arguments (int32 widens to float64); the accumulator is a number.
export const weighted = udaf({ args: ['float64', 'float64'], returns: 'float64' }, {
  create: () => 0,
  add: (acc, x, w) => acc + x * w,
  merge: (a, b) => a + b,
  result: (acc) => acc,
});
// Sees nulls; mutates its accumulator (an array) in place.
export const Names = udaf({ args: ['utf8'], returns: 'utf8', nulls: 'call' }, {
  create: (): string[] => [],
  add: (acc: string[], s: string | null) => { acc.push(s ?? '-'); return acc; },
  merge: (a: string[], b: string[]) => { a.push(...b); return a; },
  result: (acc: string[]) => [...acc].sort().join(','),
});
export const boom = udaf({ args: ['float64'], returns: 'int64' }, {
  create: () => 0,
  add: (acc, x) => { if (x > 100) throw new RangeError('too big: ' + x); return acc + 1; },
  merge: (a, b) => a + b,
  result: (acc) => acc,
});
`;

const SCHEMA: Schema = {
  fields: [
    { name: 'user', type: 'utf8' },
    { name: 'amount', type: 'float64' },
    { name: 'qty', type: 'int32' },
    { name: 'name', type: 'utf8' },
    { name: 'ts', type: 'timestamp' },
  ],
};

interface Row {
  user: string | null;
  amount: number | null;
  qty: number | null;
  name: string | null;
  ts: number;
}

const AGGS = ['my_sum(amount) AS s', 'weighted(amount, qty) AS w', 'names(name) AS ns', 'count(*) AS n'];

let udfs: UdfRegistry;
beforeAll(async () => {
  udfs = await loadUdfs(MODULE);
});


/** Batches of rows with increasing-ish event times (exact quarters, so float sums are exact). */
function rowBatches(seed: number, batches: number): Row[][] {
  const next = rng(seed);
  let clock = 1_700_000_000_000;
  return Array.from({ length: batches }, () =>
    Array.from({ length: 5 + Math.floor(next() * 40) }, () => {
      clock += Math.floor(next() * 20);
      return {
        user: next() < 0.1 ? null : `u${Math.floor(next() * 6)}`,
        amount: next() < 0.2 ? null : Math.floor(next() * 400) / 4,
        qty: next() < 0.2 ? null : Math.floor(next() * 5),
        name: next() < 0.2 ? null : `n${Math.floor(next() * 9)}`,
        ts: clock,
      };
    }),
  );
}

function toBatch(rows: Row[]): arrow.RecordBatch {
  const b = new JsonBatchBuilder(SCHEMA, rows.length);
  for (const r of rows) b.appendObject({ ...r });
  return b.finish();
}

/** The JS reference of AGGS over some rows. */
function reference(rows: Row[]): Record<string, unknown> {
  const amounts = rows.flatMap((r) => (r.amount === null ? [] : [r.amount]));
  const pairs = rows.filter((r) => r.amount !== null && r.qty !== null);
  return {
    s: amounts.length === 0 ? null : amounts.reduce((a, b) => a + b, 0),
    w: pairs.reduce((a, r) => a + r.amount! * r.qty!, 0),
    ns: rows.map((r) => r.name ?? '-').sort().join(','),
    n: rows.length,
  };
}

function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(r);
  }
  return out;
}

describe('aggregate UDFs: compiling', () => {
  it('compiles a UDAF call to its declared type, nullable, with its arguments', () => {
    const call = compileAggregateCall('weighted(amount, qty) AS w', SCHEMA, undefined, { udfs });
    expect(call).toMatchObject({ fn: 'udaf', outputName: 'w', type: 'float64', nullable: true });
    expect(call.args!.map((a) => a.type)).toEqual(['float64', 'int32']);
    expect(compileAggregateCall('NAMES(name)', SCHEMA, undefined, { udfs }).outputName).toBe('names');
  });

  it('is an unknown aggregate without the registry', () => {
    expect(() => compileAggregateCall('my_sum(amount)', SCHEMA)).toThrow(/unknown aggregate function "my_sum"/);
  });

  it('rejects wrong argument types and counts with a ValidationError', () => {
    const cases: [string, RegExp][] = [
      ['my_sum(name)', /my_sum\(\) expects float64 as argument 1, got (utf8|text)/],
      ['my_sum(amount, qty)', /my_sum\(\) takes 1 argument, got 2/],
      ['weighted(amount)', /weighted\(\) takes 2 arguments, got 1/],
      ['weighted(amount, ts)', /weighted\(\) expects float64 as argument 2/],
      ['my_sum(*)', /my_sum\(\*\) is not allowed/],
      ['my_sum(DISTINCT amount)', /DISTINCT is not supported/],
    ];
    for (const [text, message] of cases) {
      expect(() => compileAggregateCall(text, SCHEMA, 'aggregates[0]', { udfs }), text).toThrow(ValidationError);
      expect(() => compileAggregateCall(text, SCHEMA, 'aggregates[0]', { udfs }), text).toThrow(message);
    }
    expect(() => aggregateOperator(['user'], ['my_sum(name)'], SCHEMA, { subtaskIndex: 0, parallelism: 1, udfs })).toThrow(ValidationError);
    const spec: WindowAggregateSpec = { kind: 'window_aggregate', window: { kind: 'tumble', size_ms: 100 }, time_column: 'ts', group_by: ['user'], aggregates: ['weighted(name, qty)'] };
    expect(() => windowAggregateOperator(spec, SCHEMA, { subtaskIndex: 0, parallelism: 1, udfs })).toThrow(ValidationError);
  });
});

describe('aggregate UDFs in the updating aggregate', () => {
  const ctx = () => ({ subtaskIndex: 0, parallelism: 1, udfs });

  it('each group\'s latest output equals the JS reference over its rows so far', () => {
    const op = aggregateOperator(['user'], AGGS, SCHEMA, ctx());
    expect(op.outputSchema.fields.slice(1)).toEqual([
      { name: 's', type: 'float64', nullable: true },
      { name: 'w', type: 'float64', nullable: true },
      { name: 'ns', type: 'utf8', nullable: true },
      { name: 'n', type: 'int64', nullable: false },
    ]);
    const seen: Row[] = [];
    for (const rows of rowBatches(1, 20)) {
      seen.push(...rows);
      const out = rowsOf(op.process(toBatch(rows)));
      const groups = groupBy(seen, (r) => String(r.user));
      expect(out.length).toBe(new Set(rows.map((r) => String(r.user))).size);
      for (const row of out) expect(row).toEqual({ user: row.user, ...reference(groups.get(String(row.user))!) });
    }
  });

  it('updating: retracts the values it emitted before (accumulators mutated in place too)', () => {
    const op = aggregateOperator(['user'], AGGS, SCHEMA, ctx(), { updating: true });
    const last = new Map<string, Record<string, unknown>>();
    const seen: Row[] = [];
    for (const rows of rowBatches(2, 15)) {
      seen.push(...rows);
      for (const row of rowsOf(op.process(toBatch(rows)))) {
        const { [OP_COLUMN]: kind, ...values } = row;
        const key = String(values.user);
        if (kind === 'retract') expect(values).toEqual(last.get(key));
        else last.set(key, values);
      }
    }
    for (const [key, rows] of groupBy(seen, (r) => String(r.user))) expect(last.get(key)).toEqual({ user: rows[0]!.user, ...reference(rows) });
  });

  it('skips rows with a NULL argument unless nulls is "call"; a group of only nulls gets result(create())', () => {
    const op = aggregateOperator(['user'], AGGS, SCHEMA, ctx());
    const rows: Row[] = [
      { user: 'a', amount: null, qty: 2, name: null, ts: 0 },
      { user: 'a', amount: 3, qty: null, name: 'x', ts: 0 },
    ];
    expect(rowsOf(op.process(toBatch(rows.slice(0, 1))))).toEqual([{ user: 'a', s: null, w: 0, ns: '-', n: 1 }]);
    expect(rowsOf(op.process(toBatch(rows.slice(1))))).toEqual([{ user: 'a', s: 3, w: 0, ns: '-,x', n: 2 }]);
  });

  it('snapshot/restore (through msgpack) keeps the accumulators', () => {
    const batches = rowBatches(3, 16).map(toBatch);
    const reference = aggregateOperator(['user'], AGGS, SCHEMA, ctx());
    const expected = batches.map((b) => rowsOf(reference.process(b)));
    const old = aggregateOperator(['user'], AGGS, SCHEMA, ctx());
    batches.slice(0, 8).forEach((b, i) => expect(rowsOf(old.process(b))).toEqual(expected[i]));
    const snapshot = unpack(pack(old.snapshot())) as KeyedSnapshot;
    // Later updates (in place, for names()) do not change a taken snapshot.
    old.process(batches[8]!);
    expect(unpack(pack(snapshot))).toEqual(snapshot);
    const restored = aggregateOperator(['user'], AGGS, SCHEMA, ctx());
    restored.restore([snapshot]);
    expect(restored.keys).toBe(old.keys);
    batches.slice(8).forEach((b, i) => expect(rowsOf(restored.process(b))).toEqual(expected[8 + i]));
    // A state without the UDAF does not restore into one with it.
    const other = aggregateOperator(['user'], ['count(*) AS n'], SCHEMA, ctx());
    expect(() => other.restore([snapshot])).toThrow(/does not match/);
  });

  it('a UDAF that throws fails the job as a user error naming it', () => {
    const op = aggregateOperator(['user'], ['boom(amount)'], SCHEMA, ctx());
    expect(rowsOf(op.process(toBatch([{ user: 'a', amount: 1, qty: 1, name: null, ts: 0 }])))).toEqual([{ user: 'a', boom: 1 }]);
    const err = (() => {
      try {
        op.process(toBatch([{ user: 'a', amount: 101, qty: 1, name: null, ts: 0 }]));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(JobRuntimeError);
    expect((err as JobRuntimeError).domain).toBe('user');
    expect((err as Error).message).toMatch(/boom\(\) add threw RangeError: too big: 101/);
  });
});

describe('aggregate UDFs in window_aggregate', () => {
  const SIZE = 100;
  const tumble: WindowAggregateSpec = { kind: 'window_aggregate', window: { kind: 'tumble', size_ms: SIZE }, time_column: 'ts', group_by: ['user'], aggregates: AGGS };
  const ctx = () => ({ subtaskIndex: 0, parallelism: 1, udfs });
  const sortRows = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

  function tumbleReference(rows: Row[]): string[] {
    const out = [...groupBy(rows, (r) => `${Math.floor(r.ts / SIZE)}\u0000${r.user}`).values()].map((g) => {
      const start = Math.floor(g[0]!.ts / SIZE) * SIZE;
      return { user: g[0]!.user, window_start: start, window_end: start + SIZE, ...reference(g) };
    });
    return out.map((o) => JSON.stringify(o));
  }

  /** Rows in order, as Record<field, value> with the columns in the operator's order. */
  function normalize(op: { outputSchema: Schema }, rows: Record<string, unknown>[]): Record<string, unknown>[] {
    const names = ['user', 'window_start', 'window_end', 's', 'w', 'ns', 'n'];
    expect(op.outputSchema.fields.map((f) => f.name).sort()).toEqual([...names].sort());
    return rows.map((r) => Object.fromEntries(names.map((n) => [n, r[n]])));
  }

  it('tumble: every window equals the JS reference over its rows', () => {
    const batches = rowBatches(4, 20);
    const op = windowAggregateOperator(tumble, SCHEMA, ctx());
    const out: Record<string, unknown>[] = [];
    for (const rows of batches) out.push(...rowsOf(op.process(toBatch(rows))));
    out.push(...rowsOf(op.onWatermark(Number.MAX_SAFE_INTEGER)));
    expect(out.length).toBeGreaterThan(20);
    expect(sortRows(normalize(op, out))).toEqual(tumbleReference(batches.flat()).sort());
    expect(op.openGroups).toBe(0);
  });

  it('tumble: snapshot/restore (through msgpack) mid-stream gives the uninterrupted output', () => {
    const batches = rowBatches(5, 20);
    const op = windowAggregateOperator(tumble, SCHEMA, ctx());
    const first: Record<string, unknown>[] = [];
    for (const rows of batches.slice(0, 10)) first.push(...rowsOf(op.process(toBatch(rows))));
    const snapshot = unpack(pack(op.snapshot())) as KeyedSnapshot;
    const restored = windowAggregateOperator(tumble, SCHEMA, ctx());
    restored.restore([snapshot]);
    expect(restored.openGroups).toBe(op.openGroups);
    const rest: Record<string, unknown>[] = [];
    for (const rows of batches.slice(10)) rest.push(...rowsOf(restored.process(toBatch(rows))));
    rest.push(...rowsOf(restored.onWatermark(Number.MAX_SAFE_INTEGER)));
    expect(sortRows(normalize(restored, [...first, ...rest]))).toEqual(tumbleReference(batches.flat()).sort());
  });

  it('hop and session windows: the UDAF agrees with the built-in aggregates (sessions merge with merge())', () => {
    for (const window of [{ kind: 'hop', slide_ms: 50, size_ms: 150 }, { kind: 'session', gap_ms: 30 }] as const) {
      const spec: WindowAggregateSpec = {
        kind: 'window_aggregate', window, time_column: 'ts', group_by: ['user'],
        aggregates: ['my_sum(amount) AS s', 'sum(amount) AS s2', 'count(amount) AS c', 'names(name) AS ns', 'count(*) AS n'],
      };
      const op = windowAggregateOperator(spec, SCHEMA, ctx());
      const batches = rowBatches(6, 20);
      const out: Record<string, unknown>[] = [];
      // Rows arrive out of order within a batch, so sessions bridge and merge.
      for (const rows of batches) out.push(...rowsOf(op.process(toBatch([...rows].reverse()))));
      const snapshot = unpack(pack(op.snapshot())) as KeyedSnapshot;
      const restored = windowAggregateOperator(spec, SCHEMA, ctx());
      restored.restore([snapshot]);
      out.push(...rowsOf(restored.onWatermark(Number.MAX_SAFE_INTEGER)));
      expect(out.length).toBeGreaterThan(10);
      for (const row of out) {
        expect(row.s, window.kind).toBe(row.c === 0 ? null : row.s2);
        expect((row.ns as string).split(',').length).toBe(row.n);
      }
      expect(out.reduce((a, r) => a + (r.n as number), 0)).toBe(window.kind === 'hop' ? 3 * batches.flat().length : batches.flat().length);
    }
  });
});
