import { describe, expect, it } from 'vitest';
import { aggregateOperator } from '../src/operators/aggregate.js';
import { decodeKey } from '../src/operators/aggregate/keys.js';
import type { Schema } from '../src/types.js';
import { batchOf, exactRowsOf } from './helpers/batches.js';
import { rng } from './helpers/random.js';

const CTX = { subtaskIndex: 0, parallelism: 1 };

const SCHEMA: Schema = {
  fields: [
    { name: 'user', type: 'utf8' },
    { name: 'region', type: 'int32' },
    { name: 'amount', type: 'float64' },
    { name: 'qty', type: 'int64' },
    { name: 'name', type: 'utf8' },
    { name: 'ts', type: 'timestamp' },
    { name: 'flag', type: 'bool' },
  ],
};

type Row = Record<string, unknown>;

// A deterministic PRNG so a failure can be replayed.

const NAMES = ['ann', 'bob', 'Zoë', 'émile', 'ｚed', '😀x', 'b', ''];

function randomRows(next: () => number, n: number): Row[] {
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
  return Array.from({ length: n }, () => ({
    user: next() < 0.1 ? null : `u${Math.floor(next() * 12)}`,
    region: next() < 0.1 ? null : Math.floor(next() * 3),
    amount: next() < 0.2 ? null : Math.round(next() * 20000 - 5000) / 100,
    qty: next() < 0.2 ? null : Math.floor(next() * 1000) - 300,
    name: next() < 0.2 ? null : pick(NAMES),
    ts: next() < 0.2 ? null : 1_700_000_000_000 + Math.floor(next() * 1e9),
    flag: next() < 0.2 ? null : next() < 0.5,
  }));
}

// ---- plain-JS reference: one row at a time, a Map per key ---------------------------------------

interface RefAcc {
  key: unknown[];
  n: number;
  c: number;
  total: number | null;
  lo: number | null;
  hi: number | null;
  sumAll: number;
  q: number | null;
  first: string | null;
  last: string | null;
  lastTs: number | null;
  dbl: number | null;
  mq: number | null;
}

const REF_AGGS = [
  'count(*) AS n', 'count(amount) AS c', 'sum(amount) AS total', 'min(amount) AS lo', 'max(amount) AS hi',
  'avg(amount) AS mean', 'sum(qty) AS q', 'min(name) AS first', 'max(name) AS last', 'max(ts) AS last_ts', 'sum(amount * 2) AS dbl', 'MAX(qty) AS mq',
];

const utf8Less = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;

function reference(groupBy: string[]) {
  const state = new Map<string, RefAcc>();
  return (rows: Row[]): Row[] => {
    const changed: RefAcc[] = [];
    for (const r of rows) {
      const key = groupBy.map((k) => r[k] ?? null);
      const id = JSON.stringify(key);
      let a = state.get(id);
      if (!a) state.set(id, (a = { key, n: 0, c: 0, total: null, lo: null, hi: null, sumAll: 0, q: null, first: null, last: null, lastTs: null, dbl: null, mq: null }));
      if (!changed.includes(a)) changed.push(a);
      a.n++;
      const x = r.amount as number | null;
      if (x !== null) {
        a.c++;
        a.total = (a.total ?? 0) + x;
        a.dbl = (a.dbl ?? 0) + x * 2;
        a.lo = a.lo === null || x < a.lo ? x : a.lo;
        a.hi = a.hi === null || x > a.hi ? x : a.hi;
      }
      const q = r.qty as number | null;
      if (q !== null) {
        a.q = (a.q ?? 0) + q;
        a.mq = a.mq === null || q > a.mq ? q : a.mq;
      }
      const name = r.name as string | null;
      if (name !== null && (a.first === null || utf8Less(name, a.first))) a.first = name;
      if (name !== null && (a.last === null || utf8Less(a.last, name))) a.last = name;
      const ts = r.ts as number | null;
      if (ts !== null && (a.lastTs === null || ts > a.lastTs)) a.lastTs = ts;
    }
    return changed.map((a) => ({
      ...Object.fromEntries(groupBy.map((k, i) => [k, a.key[i]])),
      n: a.n, c: a.c, total: a.total, lo: a.lo, hi: a.hi, mean: a.c > 0 ? a.total! / a.c : null,
      q: a.q, first: a.first, last: a.last, last_ts: a.lastTs, dbl: a.dbl, mq: a.mq,
    }));
  };
}

describe('aggregate operator', () => {
  for (const groupBy of [['user'], ['region', 'user'], ['flag']]) {
    it(`matches a row-at-a-time reference over random batches with nulls (group by ${groupBy.join(', ')})`, () => {
      const op = aggregateOperator(groupBy, REF_AGGS, SCHEMA, CTX);
      const ref = reference(groupBy);
      const next = rng(42 + groupBy.length);
      for (let b = 0; b < 8; b++) {
        const rows = randomRows(next, 1 + Math.floor(next() * 300));
        expect(exactRowsOf(op.process(batchOf(SCHEMA, rows)))).toEqual(ref(rows));
      }
      expect(op.keys).toBeGreaterThan(1);
    });
  }

  it('declares its output schema: keys as they are, then count int64, sum by type, avg float64, min/max as the argument', () => {
    const op = aggregateOperator(['user', 'region'], ['count(*) AS n', 'sum(region) AS s', 'sum(amount) AS t', 'avg(qty)', 'min(ts)', 'max(name) AS m'], SCHEMA, CTX);
    expect(op.outputSchema.fields).toEqual([
      { name: 'user', type: 'utf8', nullable: true },
      { name: 'region', type: 'int32', nullable: true },
      { name: 'n', type: 'int64', nullable: false },
      { name: 's', type: 'int64', nullable: true },
      { name: 't', type: 'float64', nullable: true },
      { name: 'avg', type: 'float64', nullable: true },
      { name: 'min', type: 'timestamp', nullable: true },
      { name: 'm', type: 'utf8', nullable: true },
    ]);
    const out = op.process(batchOf(SCHEMA, [{ user: 'a', region: 2, amount: 1.5, qty: 3, ts: 5, name: 'x' }]))!;
    expect(out.schema.fields.map((f) => String(f.type))).toEqual(['Utf8', 'Int32', 'Int64', 'Int64', 'Float64', 'Float64', 'Timestamp<MILLISECOND>', 'Utf8']);
  });

  it('emits one row per key changed in the batch, with its latest values, in order of first appearance', () => {
    const op = aggregateOperator(['user'], ['count(*) AS n', 'sum(amount) AS total'], SCHEMA, CTX);
    expect(exactRowsOf(op.process(batchOf(SCHEMA, [{ user: 'a', amount: 1 }, { user: 'b', amount: 2 }, { user: 'a', amount: 3 }])))).toEqual([
      { user: 'a', n: 2, total: 4 },
      { user: 'b', n: 1, total: 2 },
    ]);
    expect(exactRowsOf(op.process(batchOf(SCHEMA, [{ user: 'b', amount: 5 }])))).toEqual([{ user: 'b', n: 2, total: 7 }]);
    expect(exactRowsOf(op.process(batchOf(SCHEMA, [{ user: 'c', amount: 1 }, { user: 'a', amount: null }, { user: 'c', amount: 1 }])))).toEqual([
      { user: 'c', n: 2, total: 2 },
      { user: 'a', n: 3, total: 4 },
    ]);
    expect(op.process(batchOf(SCHEMA, []))).toBeNull();
  });

  it('gives NULL for sum/min/max/avg of a group with no non-null value, and 0 for count(expr)', () => {
    const op = aggregateOperator(['user'], ['count(amount) AS c', 'sum(amount) AS s', 'min(name) AS lo', 'max(ts) AS hi', 'avg(qty) AS m', 'count(*) AS n'], SCHEMA, CTX);
    expect(exactRowsOf(op.process(batchOf(SCHEMA, [{ user: 'a' }, { user: 'a' }])))).toEqual([{ user: 'a', c: 0, s: null, lo: null, hi: null, m: null, n: 2 }]);
    expect(exactRowsOf(op.process(batchOf(SCHEMA, [{ user: 'a', amount: 2.5, name: 'z', ts: 7, qty: 4 }])))).toEqual([{ user: 'a', c: 1, s: 2.5, lo: 'z', hi: 7, m: 4, n: 3 }]);
  });

  it('keeps int64 keys exact beyond 2^53 and groups NULL keys together', () => {
    const schema: Schema = { fields: [{ name: 'id', type: 'int64' }, { name: 'v', type: 'int32' }] };
    const op = aggregateOperator(['id'], ['count(*) AS n', 'sum(v) AS s', 'min(v) AS lo'], schema, CTX);
    const big = 2n ** 60n;
    const rows = [
      { id: big + 1n, v: 1 }, { id: big + 2n, v: 2 }, { id: -big - 1n, v: 3 }, { id: null, v: 4 }, { id: big + 1n, v: 5 }, { id: null, v: 6 }, { id: -1, v: 7 },
    ];
    expect(exactRowsOf(op.process(batchOf(schema, rows)))).toEqual([
      { id: (big + 1n).toString(), n: 2, s: 6, lo: 1 },
      { id: (big + 2n).toString(), n: 1, s: 2, lo: 2 },
      { id: (-big - 1n).toString(), n: 1, s: 3, lo: 3 },
      { id: null, n: 2, s: 10, lo: 4 },
      { id: -1, n: 1, s: 7, lo: 7 },
    ]);
    const keys = Object.values(op.snapshot()).flatMap((entries) => (entries as [string, unknown][]).map(([k]) => k));
    expect(keys.map((k) => decodeKey(k, ['int64'])[0]).sort()).toEqual([big + 1n, big + 2n, -big - 1n, null, -1n].sort());
  });

  it('groups by several columns of every type, including floats (-0 = 0, NaN = NaN)', () => {
    const schema: Schema = { fields: [{ name: 'f', type: 'float64' }, { name: 'b', type: 'bool' }, { name: 's', type: 'utf8' }, { name: 't', type: 'timestamp' }] };
    const op = aggregateOperator(['f', 'b', 's', 't'], ['count(*) AS n'], schema, CTX);
    const batch = batchOf(schema, [
      { f: 0, b: true, s: 'a|b', t: 1 }, { f: -0, b: true, s: 'a|b', t: 1 }, { f: 0, b: false, s: 'a|b', t: 1 },
      { f: 1.5, b: null, s: 'a', t: 1 }, { f: 1.5, b: null, s: 'a', t: 1 }, { f: 1.5, b: null, s: 'a', t: 2 }, { f: null, b: null, s: null, t: null },
    ]);
    expect(exactRowsOf(op.process(batch)).map((r) => r.n)).toEqual([2, 1, 2, 1, 1]);
    const nan = aggregateOperator(['f'], ['count(*) AS n'], schema, CTX);
    const vector = batchOf(schema, [{ f: 1 }, { f: 1 }]);
    (vector.getChild('f')!.data[0]!.values as Float64Array).set([NaN, NaN]);
    expect(exactRowsOf(nan.process(vector)).map((r) => r.n)).toEqual([2]);
    const decoded = [...Object.values(op.snapshot())].flatMap((e) => (e as [string, unknown][]).map(([k]) => decodeKey(k, ['float64', 'bool', 'utf8', 'timestamp'])));
    expect(decoded).toContainEqual([0, true, 'a|b', 1n]);
    expect(decoded).toContainEqual([null, null, null, null]);
  });

  it('orders text by code point for min/max and NaN above every number', () => {
    const op = aggregateOperator(['region'], ['min(name) AS lo', 'max(name) AS hi', 'min(amount) AS a', 'max(amount) AS b'], SCHEMA, CTX);
    const batch = batchOf(SCHEMA, [{ region: 1, name: 'ｚ', amount: 1 }, { region: 1, name: '😀', amount: 2 }, { region: 1, name: 'z', amount: 3 }]);
    (batch.getChild('amount')!.data[0]!.values as Float64Array)[1] = NaN;
    expect(exactRowsOf(op.process(batch))).toEqual([{ region: 1, lo: 'z', hi: '😀', a: 1, b: NaN }]);
  });
});
