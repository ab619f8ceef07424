import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { InternalError, ValidationError } from '../src/errors.js';
import {
  batchFromColumns,
  batchToJsonRows,
  concatBatches,
  emptyBatch,
  filterBatch,
  fromArrowSchema,
  int64AsFloat64,
  makeColumn,
  makeUtf8Column,
  selectColumns,
  takeRows,
  toArrowSchema,
} from '../src/dataflow/arrow/index.js';
import type { Schema } from '../src/types.js';
import { batchOf } from './helpers/batches.js';

const SCHEMA: Schema = {
  fields: [
    { name: 'k', type: 'int32', nullable: false },
    { name: 'big', type: 'int64' },
    { name: 'f', type: 'float64' },
    { name: 's', type: 'utf8' },
    { name: 'b', type: 'bool' },
    { name: 't', type: 'timestamp' },
  ],
};

function row(k: number): Record<string, unknown> {
  return {
    k,
    big: k % 3 === 0 ? null : k * 2 ** 33,
    f: k % 4 === 0 ? null : k + 0.5,
    s: k % 5 === 0 ? null : 'x'.repeat(k % 40) + k,
    b: k % 7 === 0 ? null : k % 2 === 1,
    t: k % 11 === 0 ? null : k * 1000,
  };
}

/** A batch of row(k) for each key. */
const batchOfKeys = (keys: number[]): arrow.RecordBatch => batchOf(SCHEMA, keys.map(row));

const rowsOf = (batch: arrow.RecordBatch): unknown[] => batchToJsonRows(batch).map((s) => JSON.parse(s));
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
const expected = (keys: number[]): unknown[] => rowsOf(batchOfKeys(keys));

describe('schema mapping', () => {
  it('maps every field type to the agreed Arrow type and back', () => {
    const s = toArrowSchema(SCHEMA);
    expect(s.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual([
      ['k', 'Int32', false],
      ['big', 'Int64', true],
      ['f', 'Float64', true],
      ['s', 'Utf8', true],
      ['b', 'Bool', true],
      ['t', 'Timestamp<MILLISECOND>', true],
    ]);
    expect(fromArrowSchema(s)).toEqual(SCHEMA);
    expect(toArrowSchema(SCHEMA)).toBe(s);
    expect(() => fromArrowSchema(new arrow.Schema([new arrow.Field('x', new arrow.Int16())]))).toThrow(ValidationError);
  });

  it('makes empty batches of a schema', () => {
    const e = emptyBatch(SCHEMA);
    expect(e.numRows).toBe(0);
    expect(fromArrowSchema(e.schema)).toEqual(SCHEMA);
    expect(batchToJsonRows(e)).toEqual([]);
  });
});

describe('columns', () => {
  it('builds batches from typed arrays and Utf8 offsets without copying', () => {
    const k = Int32Array.of(1, 2, 3);
    const big = BigInt64Array.of(1n, -(2n ** 40n), 2n ** 62n);
    const offsets = Int32Array.of(0, 1, 1, 4);
    const bytes = new TextEncoder().encode('aéb');
    const batch = batchFromColumns(SCHEMA, [
      makeColumn('int32', k),
      makeColumn('int64', big, Uint8Array.of(1, 0, 1)),
      makeColumn('float64', Float64Array.of(0.5, 1.5, 2.5)),
      makeUtf8Column(offsets, bytes, Uint8Array.of(1, 0, 1)),
      makeColumn('bool', Uint8Array.of(1, 0, 1)),
      makeColumn('timestamp', BigInt64Array.of(0n, 1000n, 86400000n)),
    ]);
    expect(batch.getChild('k')!.data[0]!.values).toBe(k);
    expect(batch.getChild('big')!.data[0]!.values).toBe(big);
    expect(rowsOf(batch)).toEqual([
      { k: 1, big: 1, f: 0.5, s: 'a', b: true, t: '1970-01-01T00:00:00.000Z' },
      { k: 2, big: null, f: 1.5, s: null, b: false, t: '1970-01-01T00:00:01.000Z' },
      { k: 3, big: 2 ** 62, f: 2.5, s: 'éb', b: true, t: '1970-01-02T00:00:00.000Z' },
    ]);
    expect(batch.getChild('big')!.nullCount).toBe(1);
  });

  it('refuses mismatched columns', () => {
    const s: Schema = { fields: [{ name: 'a', type: 'int32', nullable: false }] };
    expect(() => makeColumn('int64', Int32Array.of(1))).toThrow(InternalError);
    expect(() => batchFromColumns(s, [makeColumn('float64', Float64Array.of(1))])).toThrow(/expected int32/);
    expect(() => batchFromColumns(s, [makeColumn('int32', Int32Array.of(1), Uint8Array.of(0))])).toThrow(/not nullable/);
    expect(() => batchFromColumns(s, [])).toThrow(InternalError);
    const two: Schema = { fields: [...s.fields, { name: 'b', type: 'int32' }] };
    expect(() => batchFromColumns(two, [makeColumn('int32', Int32Array.of(1)), makeColumn('int32', Int32Array.of(1, 2))])).toThrow(/rows/);
    const batch = batchOfKeys([1, 2]);
    expect(() => selectColumns(batch, s, [makeColumn('int32', Int32Array.of(1))])).toThrow(/rows/);
    expect(selectColumns(batch, s, [batch.getChild('k')!]).numRows).toBe(2);
  });

  it('reads int64 and timestamp columns as float64 without BigInt', () => {
    const v = makeColumn('int64', BigInt64Array.of(0n, -1n, 2n ** 31n, -(2n ** 40n) - 5n, 2n ** 53n - 1n));
    expect([...int64AsFloat64(v)]).toEqual([0, -1, 2 ** 31, -(2 ** 40) - 5, 2 ** 53 - 1]);
    const sliced = batchOfKeys(range(0, 10)).slice(4, 8);
    expect([...int64AsFloat64(sliced.getChild('t')!)]).toEqual([4000, 5000, 6000, 7000]);
    expect([...int64AsFloat64(makeColumn('int32', Int32Array.of(-3)))]).toEqual([-3]);
  });
});

describe('filter, take, concat', () => {
  const keys = range(0, 50);
  const batch = batchOfKeys(keys);

  it('filters by a Bool mask, dropping false and null', () => {
    const pick = (k: number): boolean | null => (k % 13 === 0 ? null : k % 3 !== 1);
    const mask = makeColumn(
      'bool',
      Uint8Array.from(keys, (k) => (pick(k) ? 1 : 0)),
      Uint8Array.from(keys, (k) => (pick(k) === null ? 0 : 1)),
    );
    expect(rowsOf(filterBatch(batch, mask))).toEqual(expected(keys.filter((k) => pick(k) === true)));
    expect(filterBatch(batch, makeColumn('bool', new Uint8Array(50).fill(1)))).toBe(batch);
    expect(filterBatch(batch, makeColumn('bool', new Uint8Array(50))).numRows).toBe(0);
    expect(() => filterBatch(batch, makeColumn('bool', new Uint8Array(3)))).toThrow(InternalError);
  });

  it('takes rows in any order, with repeats', () => {
    const idx = Int32Array.of(49, 0, 7, 7, 13, 22, 45);
    expect(rowsOf(takeRows(batch, idx))).toEqual(expected([...idx]));
    expect(rowsOf(takeRows(batch.slice(5, 45), Uint32Array.of(0, 39, 3)))).toEqual(expected([5, 44, 8]));
    expect(() => takeRows(batch, Int32Array.of(50))).toThrow(InternalError);
  });

  it('concatenates batches, sliced ones included, preserving nulls', () => {
    const parts = [batchOfKeys(range(0, 13)), batchOfKeys([]), batchOfKeys(range(13, 30)).slice(3, 12), batchOfKeys(range(30, 37))];
    const out = concatBatches(SCHEMA, parts);
    expect(rowsOf(out)).toEqual(expected([...range(0, 13), ...range(16, 25), ...range(30, 37)]));
    expect(out.getChild('s')!.nullCount).toBe([...range(0, 13), ...range(16, 25), ...range(30, 37)].filter((k) => k % 5 === 0).length);
    expect(out.data.children.every((d) => d.offset === 0)).toBe(true);
    expect(concatBatches(SCHEMA, []).numRows).toBe(0);
    expect(() => concatBatches({ fields: [{ name: 'k', type: 'utf8' }] }, [batch])).toThrow(InternalError);
  });
});
