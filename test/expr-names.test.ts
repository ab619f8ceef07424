// Qualified column references: join outputs (`B.id`) and Nexmark's flattened structs
// (`bid.price`) are flat columns with dots in their names.

import { describe, expect, it } from 'vitest';
import { Float64, Int64, RecordBatch, Utf8, vectorFromArray } from 'apache-arrow';
import { ValidationError } from '../src/errors.js';
import { compileCondition, compileExpression, compileProjection } from '../src/sql/expr/index.js';
import type { Schema } from '../src/types.js';

const schema: Schema = {
  fields: [
    { name: 'bid.price', type: 'int64' },
    { name: 'bid.bidder', type: 'int64' },
    { name: 'person.name', type: 'utf8' },
    { name: 'B.id', type: 'int64' },
    { name: 'P.id', type: 'int64' },
    { name: 'a.b', type: 'float64' },
  ],
};
const batch = new RecordBatch({
  'bid.price': vectorFromArray([100n, 250n, null], new Int64()).data[0]!,
  'bid.bidder': vectorFromArray([1n, 2n, 3n], new Int64()).data[0]!,
  'person.name': vectorFromArray(['ann', null, 'cy'], new Utf8()).data[0]!,
  'B.id': vectorFromArray([7n, 8n, 9n], new Int64()).data[0]!,
  'P.id': vectorFromArray([70n, 80n, 90n], new Int64()).data[0]!,
  'a.b': vectorFromArray([0.5, 1.5, 2.5], new Float64()).data[0]!,
});
const ev = (text: string) => [...compileProjection(text, schema).evaluate(batch)].map((x) => (typeof x === 'bigint' ? Number(x) : x));
const fails = (text: string, s: Schema = schema): ValidationError => {
  try {
    compileExpression(text, s);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error(`expected ${text} to fail`);
};

describe('qualified column references', () => {
  it('resolve a.b to the column literally named a.b, unquoted parts case-insensitively', () => {
    expect(ev('bid.price')).toEqual([100, 250, null]);
    expect(ev('BID.Price + 1')).toEqual([101, 251, null]);
    expect(ev('"bid"."price"')).toEqual([100, 250, null]);
    expect(ev('b.id * 2')).toEqual([14, 16, 18]);
    expect(ev('"B".id')).toEqual([7, 8, 9]);
    expect(fails('"b".id').message).toMatch(/^unknown column "b.id" \(columns: bid.price, bid.bidder, person.name, B.id, P.id, a.b\)/);
    expect(fails('bid.nope').message).toMatch(/^unknown column "bid.nope"/);
  });

  it('resolve a bare name to a unique column ending in .name', () => {
    expect(ev('price')).toEqual([100, 250, null]);
    expect(ev('upper(name)')).toEqual(['ANN', null, 'CY']);
    expect(compileCondition("name = 'ann' AND bidder > 0", schema).type).toBe('bool');
  });

  it('report an ambiguous reference with its candidates', () => {
    const err = fails('id + 1');
    expect(err.message).toBe('column reference "id" is ambiguous ("B.id", "P.id"); qualify it or quote the exact name');
    expect(err.details![0]!.column).toBe(1);
    // A join of two Nexmark streams: both sides have bid.price.
    const join: Schema = { fields: [{ name: 'l.bid.price', type: 'int64' }, { name: 'r.bid.price', type: 'int64' }] };
    expect(fails('bid.price', join).message).toMatch(/"bid.price" is ambiguous \("l.bid.price", "r.bid.price"\)/);
    expect(compileExpression('r.bid.price', join).outputName).toBe('price');
  });

  it('prefer an exact name over a suffix match, and exact case over other case', () => {
    const s: Schema = { fields: [{ name: 'bid.price', type: 'int64' }, { name: 'price', type: 'float64' }] };
    expect(compileExpression('price', s).type).toBe('float64');
    const cases: Schema = { fields: [{ name: 'x.Id', type: 'int64' }, { name: 'y.id', type: 'float64' }] };
    expect(compileExpression('id', cases).type).toBe('float64');
    expect(compileExpression('Id', cases).type).toBe('int64');
    expect(fails('ID', cases).message).toMatch(/"ID" is ambiguous \("x.Id", "y.id"\)/);
  });

  it('match a quoted name containing a dot exactly, and do not split it', () => {
    expect(ev('"a.b" * 2')).toEqual([1, 3, 5]);
    expect(ev('a.b * 2')).toEqual([1, 3, 5]);
    expect(compileProjection('"a.b"', schema).outputName).toBe('a.b');
  });

  it('name a projected column by its last part, like SQL', () => {
    expect(compileProjection('bid.price', schema).outputName).toBe('price');
    expect(compileProjection('BID.PRICE', schema).outputName).toBe('price');
    expect(compileProjection('price', schema).outputName).toBe('price');
    expect(compileProjection('b.ID', schema).outputName).toBe('id');
    expect(compileProjection('bid.price AS p', schema).outputName).toBe('p');
    expect(compileProjection('bid.price * 2', schema).outputName).toBe('bid.price * 2');
    expect(compileProjection('"B".id + 1', schema).outputName).toBe('"B".id + 1');
  });
});
