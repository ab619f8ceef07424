import { pack, unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { aggregateOperator, aggregateSchema } from '../src/operators/aggregate.js';
import { compileAggregateCall } from '../src/operators/aggregate/calls.js';
import { windowAggregateOperator } from '../src/operators/window/window-aggregate.js';
import { emptyUdfRegistry } from '../src/sql/expr/index.js';
import type { KeyedSnapshot } from '../src/operators/types.js';
import type { Schema } from '../src/types.js';
import { batchOf, exactRowsOf } from './helpers/batches.js';
import { rng } from './helpers/random.js';

const CTX = { subtaskIndex: 0, parallelism: 1 };

const SCHEMA: Schema = {
  fields: [
    { name: 'user', type: 'utf8' },
    { name: 'amount', type: 'float64' },
    { name: 'qty', type: 'int64' },
    { name: 'name', type: 'utf8' },
    { name: 'ts', type: 'timestamp' },
    { name: 'flag', type: 'bool' },
    { name: 'region', type: 'int32' },
  ],
};

type Row = Record<string, unknown>;


const NAMES = ['ann', 'bob', 'Zoë', 'émile', '😀x', ''];

function randomRows(next: () => number, n: number, keys = 8): Row[] {
  return Array.from({ length: n }, () => ({
    user: next() < 0.1 ? null : `u${Math.floor(next() * keys)}`,
    amount: next() < 0.2 ? null : [0, -0, 1.5, 2, 2.5, -7][Math.floor(next() * 6)],
    qty: next() < 0.2 ? null : (2n ** 60n + BigInt(Math.floor(next() * 4))).toString(),
    name: next() < 0.2 ? null : NAMES[Math.floor(next() * NAMES.length)],
    ts: next() < 0.2 ? null : 1_700_000_000_000 + Math.floor(next() * 5),
    flag: next() < 0.2 ? null : next() < 0.5,
    region: next() < 0.2 ? null : Math.floor(next() * 3),
  }));
}

const AGGS = ['count(*) AS n', 'sum(amount) AS total', 'max(name) AS top', 'min(amount) AS lo', 'count(DISTINCT name) AS names'];

describe('updating aggregate (changelog with _op)', () => {
  it('declares `_op` last; without updating the schema is as before', () => {
    const op = aggregateOperator(['user'], ['count(*) AS n'], SCHEMA, CTX, { updating: true });
    expect(op.outputSchema.fields).toEqual([
      { name: 'user', type: 'utf8', nullable: true },
      { name: 'n', type: 'int64', nullable: false },
      { name: '_op', type: 'utf8', nullable: false },
    ]);
    expect(aggregateSchema(['user'], ['count(*) AS n'], SCHEMA, true)).toEqual(op.outputSchema);
    expect(aggregateSchema(['user'], ['count(*) AS n'], SCHEMA).fields.map((f) => f.name)).toEqual(['user', 'n']);
  });

  it('retracts a group’s previous row right before appending its new one; new groups only append', () => {
    const op = aggregateOperator(['user'], ['count(*) AS n', 'sum(amount) AS total'], SCHEMA, CTX, { updating: true });
    expect(exactRowsOf(op.process(batchOf(SCHEMA, [{ user: 'a', amount: 1 }, { user: 'b', amount: 2 }, { user: 'a', amount: 3 }])))).toEqual([
      { user: 'a', n: 2, total: 4, _op: 'append' },
      { user: 'b', n: 1, total: 2, _op: 'append' },
    ]);
    expect(exactRowsOf(op.process(batchOf(SCHEMA, [{ user: 'c', amount: 5 }, { user: 'b', amount: 5 }, { user: 'a', amount: null }])))).toEqual([
      { user: 'c', n: 1, total: 5, _op: 'append' },
      { user: 'b', n: 1, total: 2, _op: 'retract' },
      { user: 'b', n: 2, total: 7, _op: 'append' },
      { user: 'a', n: 2, total: 4, _op: 'retract' },
      { user: 'a', n: 3, total: 4, _op: 'append' },
    ]);
  });

  it('emits nothing for a group whose values did not change', () => {
    const op = aggregateOperator(['user'], ['max(amount) AS hi', 'count(DISTINCT name) AS names', 'min(name) AS lo'], SCHEMA, CTX, { updating: true });
    op.process(batchOf(SCHEMA, [{ user: 'a', amount: 5, name: 'm' }]));
    expect(op.process(batchOf(SCHEMA, [{ user: 'a', amount: 1, name: 'm' }, { user: 'a', amount: null, name: null }]))).toBeNull();
    expect(exactRowsOf(op.process(batchOf(SCHEMA, [{ user: 'a', amount: 1, name: 'b' }])))).toEqual([
      { user: 'a', hi: 5, names: 1, lo: 'm', _op: 'retract' },
      { user: 'a', hi: 5, names: 2, lo: 'b', _op: 'append' },
    ]);
  });

  it('a changelog applied to a table gives the plain aggregate’s latest rows, batch after batch', () => {
    const next = rng(11);
    const plain = aggregateOperator(['user', 'flag'], AGGS, SCHEMA, CTX);
    const updating = aggregateOperator(['user', 'flag'], AGGS, SCHEMA, CTX, { updating: true });
    const latest = new Map<string, string>();
    const table = new Map<string, string>();
    const keyOf = (r: Row) => JSON.stringify([r.user, r.flag]);
    let retractions = 0;
    for (let b = 0; b < 30; b++) {
      const batch = batchOf(SCHEMA, randomRows(next, 1 + Math.floor(next() * 80)));
      for (const r of exactRowsOf(plain.process(batch))) latest.set(keyOf(r), JSON.stringify(r));
      const log = exactRowsOf(updating.process(batch));
      log.forEach((r, i) => {
        const { _op, ...row } = r;
        const k = keyOf(row);
        if (_op === 'retract') {
          retractions++;
          // What is retracted is exactly what the table holds, and its replacement follows at once.
          expect(table.get(k)).toBe(JSON.stringify(row));
          expect(log[i + 1]).toMatchObject({ user: row.user, flag: row.flag, _op: 'append' });
          table.delete(k);
        } else {
          expect(_op).toBe('append');
          expect(table.has(k)).toBe(false);
          table.set(k, JSON.stringify(row));
        }
      });
      expect(table).toEqual(latest);
    }
    expect(retractions).toBeGreaterThan(20);
  });
});

describe('aggregate TTL', () => {
  it('drops a group idle for ttl_ms of processing time, without a retraction; active groups stay', () => {
    let now = 1000;
    const op = aggregateOperator(['user'], ['count(*) AS n'], SCHEMA, CTX, { updating: true, ttlMs: 100, clock: () => now });
    op.process(batchOf(SCHEMA, [{ user: 'a' }, { user: 'b' }]));
    now = 1060;
    expect(exactRowsOf(op.process(batchOf(SCHEMA, [{ user: 'b' }])))).toEqual([
      { user: 'b', n: 1, _op: 'retract' },
      { user: 'b', n: 2, _op: 'append' },
    ]);
    now = 1099; // a idle for 99 ms: still there
    expect(exactRowsOf(op.process(batchOf(SCHEMA, [{ user: 'a' }])))).toEqual([
      { user: 'a', n: 1, _op: 'retract' },
      { user: 'a', n: 2, _op: 'append' },
    ]);
    now = 1160; // b idle for exactly 100 ms: gone, and comes back as new
    expect(exactRowsOf(op.process(batchOf(SCHEMA, [{ user: 'b' }])))).toEqual([{ user: 'b', n: 1, _op: 'append' }]);
    expect(op.keys).toBe(2);
    now = 1400; // both idle: the next batch's sweep frees them
    op.process(batchOf(SCHEMA, [{ user: 'c' }]));
    expect(op.keys).toBe(1);
    expect(Object.values(op.snapshot()).flat()).toHaveLength(1);
  });

  it('works without updating too, and counts restored groups as updated at restore', () => {
    let now = 0;
    const op = aggregateOperator(['user'], ['count(*) AS n'], SCHEMA, CTX, { ttlMs: 50, clock: () => now });
    op.process(batchOf(SCHEMA, [{ user: 'a' }]));
    now = 40;
    const restored = aggregateOperator(['user'], ['count(*) AS n'], SCHEMA, CTX, { ttlMs: 50, clock: () => now });
    restored.restore([unpack(pack(op.snapshot())) as KeyedSnapshot]);
    now = 80; // 40 ms after the restore
    expect(exactRowsOf(restored.process(batchOf(SCHEMA, [{ user: 'a' }])))).toEqual([{ user: 'a', n: 2 }]);
    now = 130;
    expect(exactRowsOf(restored.process(batchOf(SCHEMA, [{ user: 'a' }])))).toEqual([{ user: 'a', n: 1 }]);
  });
});

describe('count(DISTINCT x)', () => {
  const DISTINCT = ['count(DISTINCT amount) AS a', 'count(DISTINCT qty) AS q', 'count(DISTINCT name) AS s', 'count(DISTINCT ts) AS t', 'count(DISTINCT flag) AS f', 'count(DISTINCT region) AS r', 'count(DISTINCT region * 2) AS r2', 'count(*) AS n'];

  function reference(rows: Row[][]): Row[][] {
    const sets = new Map<string, { key: unknown; vals: Set<unknown>[]; n: number }>();
    const cols = ['amount', 'qty', 'name', 'ts', 'flag', 'region', 'region'];
    return rows.map((batch) => {
      const changed: { key: unknown; vals: Set<unknown>[]; n: number }[] = [];
      for (const r of batch) {
        const id = JSON.stringify(r.user);
        let s = sets.get(id);
        if (!s) sets.set(id, (s = { key: r.user, vals: cols.map(() => new Set()), n: 0 }));
        if (!changed.includes(s)) changed.push(s);
        s.n++;
        // Set equality: -0 and 0 are one value, as in GROUP BY.
        cols.forEach((c, j) => r[c] !== null && r[c] !== undefined && s.vals[j]!.add(r[c]));
      }
      return changed.map((s) => ({ user: s.key, a: s.vals[0]!.size, q: s.vals[1]!.size, s: s.vals[2]!.size, t: s.vals[3]!.size, f: s.vals[4]!.size, r: s.vals[5]!.size, r2: s.vals[6]!.size, n: s.n }));
    });
  }

  it('counts the distinct non-null values of every type (int64 beyond 2^53 exactly), across batches and a restore', () => {
    const next = rng(5);
    const batches = Array.from({ length: 12 }, () => randomRows(next, 1 + Math.floor(next() * 60), 4));
    const expected = reference(batches);
    let op = aggregateOperator(['user'], DISTINCT, SCHEMA, CTX);
    batches.forEach((rows, i) => {
      if (i === 6) {
        const restored = aggregateOperator(['user'], DISTINCT, SCHEMA, CTX);
        restored.restore([unpack(pack(op.snapshot())) as KeyedSnapshot]);
        op = restored;
      }
      expect(exactRowsOf(op.process(batchOf(SCHEMA, rows)))).toEqual(expected[i]);
    });
    expect(expected.flat().some((r) => (r.q as number) > 1)).toBe(true);
  });

  it('is accepted only in count, and not with *', () => {
    expect(compileAggregateCall('count(DISTINCT name)', SCHEMA)).toMatchObject({ fn: 'count', distinct: true, type: 'int64', nullable: false, outputName: 'count' });
    expect(compileAggregateCall('count(name)', SCHEMA).distinct).toBe(false);
    expect(() => compileAggregateCall('sum(DISTINCT amount)', SCHEMA)).toThrow(/only supported in count/);
    expect(() => compileAggregateCall('count(DISTINCT *)', SCHEMA)).toThrow();
  });
});

describe('aggregate arguments', () => {
  it('may call the job’s scalar UDFs (aggregate and window_aggregate)', () => {
    const udfs = emptyUdfRegistry();
    udfs.scalar.set('tenfold', { kind: 'scalar', name: 'tenfold', exportName: 'tenfold', args: ['float64'], returns: 'float64', nulls: 'skip', fn: (x: unknown) => Number(x) * 10 });
    const ctx = { ...CTX, udfs };
    const op = aggregateOperator(['user'], ['sum(tenfold(amount)) AS s'], SCHEMA, ctx);
    expect(exactRowsOf(op.process(batchOf(SCHEMA, [{ user: 'a', amount: 1.5 }, { user: 'a', amount: 2 }])))).toEqual([{ user: 'a', s: 35 }]);
    const win = windowAggregateOperator({ kind: 'window_aggregate', window: { kind: 'tumble', size_ms: 10 }, time_column: 'ts', group_by: [], aggregates: ['max(tenfold(amount)) AS m'] }, SCHEMA, ctx);
    win.process(batchOf(SCHEMA, [{ amount: 1.5, ts: 3 }, { amount: 2, ts: 4 }]));
    expect(exactRowsOf(win.onWatermark(100))).toEqual([{ window_start: 0, window_end: 10, m: 20 }]);
    expect(() => aggregateOperator(['user'], ['sum(tenfold(amount))'], SCHEMA, CTX)).toThrow(/tenfold/);
  });
});
