// Arrow-level behaviour: int64 and timestamp columns, result vector types, sliced input data,
// empty batches and a 100k-row batch checked against a row-at-a-time reference.

import { describe, expect, it } from 'vitest';
import {
  Bool, DataType, Float64, Int32, Int64, Precision, RecordBatch, Schema as ArrowSchema, Field, Struct,
  TimeUnit, TimestampMillisecond, Utf8, makeData, vectorFromArray, type Data,
} from 'apache-arrow';
import { compileCondition, compileExpression } from '../src/sql/expr/index.js';
import type { Schema } from '../src/types.js';

const big = (xs: (number | bigint | null)[]) => xs.map((x) => (x === null ? null : BigInt(x)));

describe('int64 columns', () => {
  const schema: Schema = { fields: [{ name: 'v', type: 'int64' }] };
  const values = [5_000_000_000n, -5_000_000_001n, 9_007_199_254_740_991n, null, -1n];
  const batch = new RecordBatch({ v: vectorFromArray(values, new Int64()).data[0]! });
  const ev = (t: string) => [...compileExpression(t, schema).evaluate(batch)];

  it('computes across the 32-bit boundary and writes BigInt64 results', () => {
    expect(ev('v + 1')).toEqual(big([5_000_000_001, -5_000_000_000, 9_007_199_254_740_992, null, 0]));
    expect(ev('v * -2')).toEqual(big([-10_000_000_000, 10_000_000_002, -18_014_398_509_481_982n, null, 2]));
    expect(ev('v / 3')).toEqual(big([1_666_666_666, -1_666_666_667, 3_002_399_751_580_330, null, 0]));
    expect(ev('v > 4999999999')).toEqual([true, false, true, null, false]);
    expect(ev('v = -5000000001')).toEqual([false, true, false, null, false]);
  });

  it('passes a bare int64 column through untouched (exact beyond 2^53)', () => {
    const exact = [9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n, 123n];
    const b = new RecordBatch({ v: vectorFromArray(exact, new Int64()).data[0]! });
    expect([...compileExpression('v', schema).evaluate(b)]).toEqual(exact);
    expect([...compileExpression('CAST(v AS BIGINT)', schema).evaluate(b)]).toEqual(exact);
  });
});

describe('timestamps', () => {
  const schema: Schema = { fields: [{ name: 'ts', type: 'timestamp' }, { name: 'ms', type: 'int32' }] };
  const t0 = Date.UTC(2024, 0, 1);
  const batch = new RecordBatch({
    ts: vectorFromArray([t0 - 1, t0, t0 + 86_400_000, null], new TimestampMillisecond()).data[0]!,
    ms: vectorFromArray([1000, 2, null, 4], new Int32()).data[0]!,
  });
  const ev = (t: string) => [...compileExpression(t, schema).evaluate(batch)];

  it('adds and subtracts integer milliseconds', () => {
    const e = compileExpression('ts + ms', schema);
    expect(e.type).toBe('timestamp');
    const v = e.evaluate(batch);
    expect(v.type).toBeInstanceOf(TimestampMillisecond);
    expect([...v]).toEqual([t0 + 999, t0 + 2, null, null]);
    expect(ev('ts - 1000')).toEqual([t0 - 1001, t0 - 1000, t0 + 86_399_000, null]);
    expect(compileExpression('ts - ts', schema).type).toBe('int64');
    expect(ev("ts - CAST('2023-12-31T00:00:00Z' AS TIMESTAMP)")).toEqual(big([86_399_999, 86_400_000, 172_800_000, null]));
  });

  it('compares with timestamps and with timestamp string literals', () => {
    expect(ev("ts >= '2024-01-01'")).toEqual([false, true, true, null]);
    expect(ev("ts < '2024-01-01T00:00:00.001+00:00'")).toEqual([true, true, false, null]);
    expect(ev("ts = TIMESTAMP '2024-01-01 00:00:00'")).toEqual([false, true, false, null]);
    expect(ev("ts BETWEEN '2023-12-31T23:00:00Z' AND '2024-01-01T01:00:00+01:00'")).toEqual([true, true, false, null]);
    expect(ev("ts IN ('2024-01-02', '2024-01-01')")).toEqual([false, true, true, null]);
    expect(() => compileExpression('ts > 5', schema)).toThrow(/cannot compare timestamp with int64/);
    expect(() => compileExpression("ts > 'yesterday'", schema)).toThrow(/invalid timestamp literal 'yesterday'/);
  });

  it('casts to and from integers and text', () => {
    expect(ev('CAST(ts AS BIGINT)')).toEqual(big([t0 - 1, t0, t0 + 86_400_000, null]));
    expect(ev('CAST(ts AS TEXT)')).toEqual(['2023-12-31T23:59:59.999Z', '2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z', null]);
    expect(() => compileExpression("CAST('2024-02-30' AS TIMESTAMP)", schema)).toThrow(/invalid input for TIMESTAMP: "2024-02-30"/);
  });
});

describe('result vectors', () => {
  const schema: Schema = { fields: [{ name: 'i', type: 'int32' }] };
  const batch = new RecordBatch({ i: vectorFromArray([1, null, 3], new Int32()).data[0]! });

  it('have the Arrow type of the FieldType and a null bitmap', () => {
    const cases: [string, (t: DataType) => boolean][] = [
      ['CAST(i AS INT) + 0', (t) => DataType.isInt(t) && t.bitWidth === 64],
      ['CAST(i + 1 AS INT)', (t) => DataType.isInt(t) && t.bitWidth === 32],
      ['i * 1.5', (t) => DataType.isFloat(t) && t.precision === Precision.DOUBLE],
      ["concat('x', i)", (t) => DataType.isUtf8(t)],
      ['i > 1', (t) => DataType.isBool(t)],
      ['CAST(i AS TIMESTAMP)', (t) => DataType.isTimestamp(t) && t.unit === TimeUnit.MILLISECOND],
    ];
    for (const [text, check] of cases) {
      const v = compileExpression(text, schema).evaluate(batch);
      expect(check(v.type), text).toBe(true);
      expect(v.length).toBe(3);
    }
    expect(compileExpression('i + 1', schema).evaluate(batch).nullCount).toBe(1);
    expect(compileExpression('i IS NULL', schema).evaluate(batch).nullCount).toBe(0);
  });

  it('handle empty batches', () => {
    const empty = new RecordBatch({ i: vectorFromArray([], new Int32()).data[0]! });
    expect(compileExpression("concat(i, 'x')", schema).evaluate(empty).length).toBe(0);
    expect(compileCondition('i > 1', schema).evaluate(empty).length).toBe(0);
  });
});

describe('sliced input', () => {
  it('honours Data offsets for every column kind', () => {
    const fields = [
      new Field('i', new Int32(), true), new Field('l', new Int64(), true), new Field('s', new Utf8(), true),
      new Field('b', new Bool(), true), new Field('f', new Float64(), true),
    ];
    const full: Data[] = [
      vectorFromArray([1, null, 3, 4, null, 6, 7, 8, 9, 10], new Int32()).data[0]!,
      vectorFromArray(big([10, 20, null, 40, 50, 60, 70, 80, 90, 100]), new Int64()).data[0]!,
      vectorFromArray(['a', 'b', 'c', null, 'e', 'f', 'g', 'h', 'i', 'j'], new Utf8()).data[0]!,
      vectorFromArray([true, false, null, true, false, true, false, true, null, true], new Bool()).data[0]!,
      vectorFromArray([0.5, 1.5, 2.5, 3.5, 4.5, null, 6.5, 7.5, 8.5, 9.5], new Float64()).data[0]!,
    ];
    const children = full.map((d) => d.slice(3, 5));
    const batch = new RecordBatch(new ArrowSchema(fields), makeData({ type: new Struct(fields), length: 5, nullCount: 0, children }));
    const schema: Schema = { fields: [
      { name: 'i', type: 'int32' }, { name: 'l', type: 'int64' }, { name: 's', type: 'utf8' },
      { name: 'b', type: 'bool' }, { name: 'f', type: 'float64' },
    ] };
    const ev = (t: string) => [...compileExpression(t, schema).evaluate(batch)];
    expect(ev('i + l')).toEqual(big([44, null, 66, 77, 88]));
    expect(ev("s || '!'")).toEqual([null, 'e!', 'f!', 'g!', 'h!']);
    expect(ev('NOT b')).toEqual([false, true, false, true, false]);
    expect(ev('f * 2')).toEqual([7, 9, null, 13, 15]);
    expect(ev('s')).toEqual([null, 'e', 'f', 'g', 'h']);
  });
});

describe('a 100k-row batch', () => {
  it('matches a row-at-a-time reference', () => {
    const n = 100_000;
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const words = ['apple', 'banana', 'avocado', 'cherry', 'ärger', ''];
    const a: (number | null)[] = [];
    const x: (number | null)[] = [];
    const s: (string | null)[] = [];
    for (let i = 0; i < n; i++) {
      a.push(rand() < 0.1 ? null : Math.floor(rand() * 2000) - 1000);
      x.push(rand() < 0.1 ? null : Math.round(rand() * 1e4) / 100);
      s.push(rand() < 0.1 ? null : words[Math.floor(rand() * words.length)]!);
    }
    const schema: Schema = { fields: [{ name: 'a', type: 'int32' }, { name: 'x', type: 'float64' }, { name: 's', type: 'utf8' }] };
    const batch = new RecordBatch({
      a: vectorFromArray(a, new Int32()).data[0]!,
      x: vectorFromArray(x, new Float64()).data[0]!,
      s: vectorFromArray(s, new Utf8()).data[0]!,
    });

    const proj = compileExpression("CASE WHEN s LIKE 'a%' THEN x * 2 WHEN a <> 0 THEN x / a ELSE -1 END", schema);
    const got = [...proj.evaluate(batch)];
    const cond = compileCondition("(a > 100 OR s = 'cherry') AND x IS NOT NULL", schema);
    const kept = [...cond.evaluate(batch)];
    for (let i = 0; i < n; i++) {
      const ai = a[i]!, xi = x[i]!, si = s[i]!;
      let want: number | null;
      if (si !== null && si.startsWith('a')) want = xi === null ? null : xi * 2;
      else if (ai !== null && ai !== 0) want = xi === null ? null : xi / ai;
      else want = -1;
      expect(got[i]).toBe(want);
      const or = ai !== null && ai > 100 ? true : si === 'cherry' ? true : ai === null || si === null ? null : false;
      const and = xi === null ? false : or;
      expect(kept[i]).toBe(and);
    }
  });
});
