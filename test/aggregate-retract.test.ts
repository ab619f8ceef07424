// The updating aggregate over a changelog input (an `_op` column): appends add, retractions take
// back, a group left with no rows is retracted and dropped, a retraction with nothing to take
// back is ignored, and only count/sum/avg are accepted.
import type * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { aggregateOperator, aggregateSchema } from '../src/operators/aggregate.js';
import { ValidationError } from '../src/errors.js';
import type { Schema } from '../src/types.js';
import { batchOf, rowsOf } from './helpers/batches.js';

const CTX = { subtaskIndex: 0, parallelism: 1 };
const SCHEMA: Schema = {
  fields: [
    { name: 'k', type: 'utf8' },
    { name: 'v', type: 'float64', nullable: true },
    { name: '_op', type: 'utf8' },
  ],
};

/** A batch of changelog rows given as [k, v, _op]. */
const changes = (rows: [string, number | null, 'append' | 'retract'][]): arrow.RecordBatch =>
  batchOf(SCHEMA, rows.map(([k, v, op]) => ({ k, v, _op: op })));

const AGGS = ['count(*) AS n', 'sum(v) AS total', 'avg(v) AS mean', 'count(v) AS nv'];

describe('aggregate over a changelog', () => {
  it('takes retractions back and retracts then drops a group left with no rows', () => {
    const op = aggregateOperator(['k'], AGGS, SCHEMA, CTX, { updating: true });
    expect(rowsOf(op.process(changes([['a', 10, 'append'], ['a', 20, 'append'], ['b', 5, 'append']])))).toEqual([
      { k: 'a', n: 2, total: 30, mean: 15, nv: 2, _op: 'append' },
      { k: 'b', n: 1, total: 5, mean: 5, nv: 1, _op: 'append' },
    ]);
    // a: 20 is replaced by 40 (retract + append); b: its only row goes.
    expect(rowsOf(op.process(changes([['a', 20, 'retract'], ['a', 40, 'append'], ['b', 5, 'retract']])))).toEqual([
      { k: 'a', n: 2, total: 30, mean: 15, nv: 2, _op: 'retract' },
      { k: 'a', n: 2, total: 50, mean: 25, nv: 2, _op: 'append' },
      { k: 'b', n: 1, total: 5, mean: 5, nv: 1, _op: 'retract' },
    ]);
    expect(op.keys).toBe(1);
    // b comes back: a new group, appended afresh.
    expect(rowsOf(op.process(changes([['b', 7, 'append']])))).toEqual([{ k: 'b', n: 1, total: 7, mean: 7, nv: 1, _op: 'append' }]);
  });

  it('ignores a retraction with nothing to take back, row by row', () => {
    const op = aggregateOperator(['k'], AGGS, SCHEMA, CTX, { updating: true });
    // The first retraction of c precedes any append of it; the second takes back the append.
    expect(rowsOf(op.process(changes([['c', 3, 'retract'], ['c', 4, 'append'], ['c', 4, 'retract'], ['c', 9, 'append']])))).toEqual([
      { k: 'c', n: 1, total: 9, mean: 9, nv: 1, _op: 'append' },
    ]);
    // A new group whose rows cancel out within the batch emits nothing and keeps no state.
    expect(op.process(changes([['d', 1, 'append'], ['d', 1, 'retract']]))).toBeNull();
    expect(op.keys).toBe(1);
  });

  it('keeps NULL arguments out of sum/avg/count(v) both ways', () => {
    const op = aggregateOperator(['k'], AGGS, SCHEMA, CTX, { updating: true });
    op.process(changes([['a', null, 'append'], ['a', 2, 'append']]));
    expect(rowsOf(op.process(changes([['a', 2, 'retract']])))).toEqual([
      { k: 'a', n: 2, total: 2, mean: 2, nv: 1, _op: 'retract' },
      { k: 'a', n: 1, total: null, mean: null, nv: 0, _op: 'append' },
    ]);
  });

  it('survives a snapshot and restore with its live-row counts', () => {
    const op = aggregateOperator(['k'], AGGS, SCHEMA, CTX, { updating: true });
    op.process(changes([['a', 1, 'append'], ['a', 2, 'append']]));
    const copy = aggregateOperator(['k'], AGGS, SCHEMA, CTX, { updating: true });
    copy.restore([op.snapshot()]);
    copy.process(changes([['a', 1, 'retract']]));
    expect(rowsOf(copy.process(changes([['a', 2, 'retract']])))).toEqual([{ k: 'a', n: 1, total: 2, mean: 2, nv: 1, _op: 'retract' }]);
    expect(copy.keys).toBe(0);
  });

  it.each([
    ['min(v) AS m', 'min(...) over an updating table'],
    ['max(v) AS m', 'max(...) over an updating table'],
    ['count(DISTINCT v) AS m', 'count(DISTINCT ...) over an updating table'],
  ])('refuses %s', (agg, message) => {
    expect(() => aggregateSchema(['k'], [agg], SCHEMA, true)).toThrow(message);
    expect(() => aggregateOperator(['k'], [agg], SCHEMA, CTX, { updating: true })).toThrow(ValidationError);
  });

  it('refuses a non-updating output over a changelog', () => {
    expect(() => aggregateSchema(['k'], ['sum(v) AS s'], SCHEMA, false)).toThrow('must be updating');
  });
});
