// Core semantics of the SQL expression engine: literals, operators, three-valued logic,
// predicates, CASE, CAST, type rules and output names.

import { describe, expect, it } from 'vitest';
import { compileCondition, compileExpression, compileProjection } from '../src/sql/expr/index.js';
import type { Schema } from '../src/types.js';
import { batchOfColumns } from './helpers/batches.js';

const schema: Schema = {
  fields: [
    { name: 'id', type: 'int64' },
    { name: 'amount', type: 'float64' },
    { name: 'user', type: 'utf8' },
    { name: 'qty', type: 'int32' },
    { name: 'ok', type: 'bool' },
  ],
};
const rows = batchOfColumns(schema, {
  id: [1, 2, 3, 4, null],
  amount: [10.5, -2, 0, null, 7.25],
  user: ['alice', 'bob', null, 'Carol', 'dave'],
  qty: [3, 0, -7, 2, null],
  ok: [true, false, null, true, false],
});

/** Evaluates a projection over `rows` and returns plain JS values (int64 as numbers). */
function ev(text: string, batch = rows): unknown[] {
  const e = compileProjection(text, schema);
  const v = e.evaluate(batch);
  expect(v.length).toBe(batch.numRows);
  return [...v].map((x) => (typeof x === 'bigint' ? Number(x) : x));
}

describe('literals and columns', () => {
  it('reads columns of every type', () => {
    expect(ev('id')).toEqual([1, 2, 3, 4, null]);
    expect(ev('amount')).toEqual([10.5, -2, 0, null, 7.25]);
    expect(ev('user')).toEqual(['alice', 'bob', null, 'Carol', 'dave']);
    expect(ev('ok')).toEqual([true, false, null, true, false]);
  });

  it('types literals: integers int64, decimals float64, strings, booleans, NULL', () => {
    expect(compileExpression('42', schema).type).toBe('int64');
    expect(compileExpression('4.5', schema).type).toBe('float64');
    expect(compileExpression("'x'", schema).type).toBe('utf8');
    expect(compileExpression('TRUE', schema).type).toBe('bool');
    expect(ev("'it''s'")).toEqual(Array(5).fill("it's"));
    expect(ev('NULL')).toEqual(Array(5).fill(null));
  });

  it('matches unquoted names case-insensitively and quoted names exactly', () => {
    const s: Schema = { fields: [{ name: 'Name', type: 'utf8' }, { name: 'userId', type: 'int32' }] };
    const b = batchOfColumns(s, { Name: ['a'], userId: [5] });
    expect([...compileExpression('name', s).evaluate(b)]).toEqual(['a']);
    expect([...compileExpression('USERID + 1', s).evaluate(b)]).toEqual([6n]);
    expect([...compileExpression('"Name"', s).evaluate(b)]).toEqual(['a']);
    expect(() => compileExpression('"name"', s)).toThrow(/unknown column "name"/);
    const twins: Schema = { fields: [{ name: 'Ab', type: 'int32' }, { name: 'aB', type: 'int32' }] };
    expect(() => compileExpression('ab', twins)).toThrow(/column reference "ab" is ambiguous/);
    expect(compileExpression('aB', twins).outputName).toBe('aB');
  });
});

describe('arithmetic', () => {
  it('computes with nulls propagating', () => {
    expect(ev('qty + 1')).toEqual([4, 1, -6, 3, null]);
    expect(ev('amount * 2')).toEqual([21, -4, 0, null, 14.5]);
    expect(ev('id - qty')).toEqual([-2, 2, 10, 2, null]);
    expect(ev('-qty')).toEqual([-3, 0, 7, -2, null]);
  });

  it('integer division truncates toward zero, modulo keeps the dividend sign', () => {
    const s: Schema = { fields: [{ name: 'a', type: 'int32' }, { name: 'b', type: 'int64' }] };
    const b = batchOfColumns(s, { a: [7, -7, 7, -7], b: [2, 2, -2, -2] });
    const run = (t: string) => [...compileExpression(t, s).evaluate(b)].map(Number);
    expect(run('a / b')).toEqual([3, -3, -3, 3]);
    expect(run('a % b')).toEqual([1, -1, 1, -1]);
    expect(run('mod(a, b)')).toEqual([1, -1, 1, -1]);
    expect(run('a / 2.0')).toEqual([3.5, -3.5, 3.5, -3.5]);
  });

  it('follows the documented type rules', () => {
    expect(compileExpression('qty + qty', schema).type).toBe('int64');
    expect(compileExpression('qty + id', schema).type).toBe('int64');
    expect(compileExpression('qty * 1.5', schema).type).toBe('float64');
    expect(compileExpression('-qty', schema).type).toBe('int64');
    expect(compileExpression('+qty', schema).type).toBe('int32');
    expect(() => compileExpression("user + 1", schema)).toThrow(/cannot apply \+ to utf8 and int64/);
  });

  it('respects precedence and parentheses', () => {
    expect(ev('1 + 2 * 3')).toEqual(Array(5).fill(7));
    expect(ev('(1 + 2) * 3')).toEqual(Array(5).fill(9));
    expect(ev('10 - 2 - 3')).toEqual(Array(5).fill(5));
  });
});

describe('comparisons and three-valued logic', () => {
  it('compares numbers across types and strings byte-wise', () => {
    expect(ev('qty > 0')).toEqual([true, false, false, true, null]);
    expect(ev('amount >= qty')).toEqual([true, false, true, null, null]);
    expect(ev('id = 2')).toEqual([false, true, false, false, null]);
    expect(ev("user <> 'bob'")).toEqual([true, false, null, true, true]);
    expect(ev("user != 'bob'")).toEqual([true, false, null, true, true]);
    expect(ev("user < 'b'")).toEqual([true, false, null, true, false]); // 'C' < 'b' in byte order
    expect(ev('ok = TRUE')).toEqual([true, false, null, true, false]);
  });

  it('comparison with NULL is NULL', () => {
    expect(ev('qty = NULL')).toEqual(Array(5).fill(null));
    expect(ev('NULL <> NULL')).toEqual(Array(5).fill(null));
  });

  it('implements Kleene AND / OR / NOT', () => {
    const s: Schema = { fields: [{ name: 'a', type: 'bool' }, { name: 'b', type: 'bool' }] };
    const T = true, F = false, N = null;
    const a = [T, T, T, F, F, F, N, N, N];
    const b = [T, F, N, T, F, N, T, F, N];
    const batch = batchOfColumns(s, { a, b });
    const run = (t: string) => [...compileExpression(t, s).evaluate(batch)];
    expect(run('a AND b')).toEqual([T, F, N, F, F, F, N, F, N]);
    expect(run('a OR b')).toEqual([T, T, T, T, F, N, T, N, N]);
    expect(run('NOT a')).toEqual([F, F, F, T, T, T, N, N, N]);
    expect(ev('NULL AND FALSE')).toEqual(Array(5).fill(false));
    expect(ev('NULL OR TRUE')).toEqual(Array(5).fill(true));
    expect(ev('NULL AND TRUE')).toEqual(Array(5).fill(null));
  });

  it('IS [NOT] NULL / TRUE / FALSE / UNKNOWN never return NULL', () => {
    expect(ev('user IS NULL')).toEqual([false, false, true, false, false]);
    expect(ev('id IS NOT NULL')).toEqual([true, true, true, true, false]);
    expect(ev('ok IS TRUE')).toEqual([true, false, false, true, false]);
    expect(ev('ok IS NOT TRUE')).toEqual([false, true, true, false, true]);
    expect(ev('ok IS FALSE')).toEqual([false, true, false, false, true]);
    expect(ev('ok IS NOT FALSE')).toEqual([true, false, true, true, false]);
    expect(ev('ok IS UNKNOWN')).toEqual([false, false, true, false, false]);
    expect(compileExpression('user IS NULL', schema).nullable).toBe(false);
  });
});

describe('IN and BETWEEN', () => {
  it('IN with constants, NOT IN, and NULL in the list', () => {
    expect(ev('qty IN (0, 3)')).toEqual([true, true, false, false, null]);
    expect(ev('qty NOT IN (0, 3)')).toEqual([false, false, true, true, null]);
    expect(ev("user IN ('bob', 'dave', 'zed')")).toEqual([false, true, null, false, true]);
    // x IN (.., NULL): TRUE on a match, else NULL; NOT IN with a NULL is never TRUE.
    expect(ev('qty IN (3, NULL)')).toEqual([true, null, null, null, null]);
    expect(ev('qty NOT IN (3, NULL)')).toEqual([false, null, null, null, null]);
    expect(ev('amount IN (0, 10.5)')).toEqual([true, false, true, null, false]);
  });

  it('IN with column items', () => {
    expect(ev('qty IN (id, 0)')).toEqual([false, true, false, false, null]);
  });

  it('BETWEEN is inclusive; NOT BETWEEN negates', () => {
    expect(ev('qty BETWEEN 0 AND 3')).toEqual([true, true, false, true, null]);
    expect(ev('qty NOT BETWEEN 0 AND 2')).toEqual([true, false, true, false, null]);
    expect(ev("user BETWEEN 'b' AND 'c'")).toEqual([false, true, null, false, false]);
  });
});

describe('CASE', () => {
  it('searched CASE with ELSE and without (NULL)', () => {
    expect(ev("CASE WHEN qty > 2 THEN 'big' WHEN qty > 0 THEN 'small' ELSE 'none' END")).toEqual(['big', 'none', 'none', 'small', 'none']);
    expect(ev("CASE WHEN qty > 2 THEN 'big' END")).toEqual(['big', null, null, null, null]);
  });

  it('simple CASE compares the operand with each WHEN value', () => {
    expect(ev("CASE user WHEN 'bob' THEN 1 WHEN 'dave' THEN 2 ELSE 0 END")).toEqual([0, 1, 0, 0, 2]);
  });

  it('unifies branch types (int with float gives float64)', () => {
    const e = compileExpression('CASE WHEN ok THEN qty ELSE amount END', schema);
    expect(e.type).toBe('float64');
    expect([...e.evaluate(rows)]).toEqual([3, -2, 0, 2, 7.25]);
    expect(() => compileExpression("CASE WHEN ok THEN 1 ELSE 'x' END", schema)).toThrow(/CASE branches have incompatible types int64 and utf8/);
  });

  it('only evaluates a branch for the rows that take it', () => {
    expect(ev('CASE WHEN qty = 0 THEN -1 ELSE 10 / qty END')).toEqual([3, -1, -1, 5, null]);
    expect(ev('qty <> 0 AND 10 / qty > 2')).toEqual([true, false, false, true, null]);
    expect(ev('qty = 0 OR 10 / qty > 2')).toEqual([true, true, false, true, null]);
  });
});

describe('CAST', () => {
  it('converts between numbers, text, booleans and timestamps', () => {
    expect(ev('CAST(amount AS INT)')).toEqual([10, -2, 0, null, 7]);
    expect(compileExpression('CAST(amount AS INT)', schema).type).toBe('int32');
    expect(ev('CAST(qty AS DOUBLE)')).toEqual([3, 0, -7, 2, null]);
    expect(ev('CAST(qty AS TEXT)')).toEqual(['3', '0', '-7', '2', null]);
    expect(ev('amount::varchar')).toEqual(['10.5', '-2', '0', null, '7.25']);
    expect(ev('CAST(ok AS STRING)')).toEqual(['true', 'false', null, 'true', 'false']);
    expect(ev("CAST('12' AS BIGINT) + 1")).toEqual(Array(5).fill(13));
    expect(ev("CAST(' 2.5e1 ' AS FLOAT)")).toEqual(Array(5).fill(25));
    expect(ev("CAST('yes' AS BOOLEAN)")).toEqual(Array(5).fill(true));
    expect(ev('CAST(qty AS BOOLEAN)')).toEqual([true, false, true, true, null]);
    expect(ev("CAST('2024-01-02T03:04:05.678Z' AS TIMESTAMP)")).toEqual(Array(5).fill(Date.UTC(2024, 0, 2, 3, 4, 5, 678)));
    expect(ev('CAST(CAST(0 AS TIMESTAMP) AS TEXT)')).toEqual(Array(5).fill('1970-01-01T00:00:00.000Z'));
    expect(compileExpression('CAST(id AS REAL)', schema).type).toBe('float64');
  });

  it('rejects impossible casts at compile time', () => {
    expect(() => compileExpression('CAST(ok AS TIMESTAMP)', schema)).toThrow(/cannot cast bool to TIMESTAMP/);
    expect(() => compileExpression('CAST(id AS DATE)', schema)).toThrow(/cannot cast to DATE/);
  });
});

describe('output names and metadata', () => {
  it('uses the alias, the column name, or the normalized text', () => {
    expect(compileProjection('amount * 2 AS double_amount', schema).outputName).toBe('double_amount');
    expect(compileProjection('amount  *2', schema).outputName).toBe('amount * 2');
    expect(compileProjection('USER', schema).outputName).toBe('user');
    expect(compileProjection('lower( "user" )', schema).outputName).toBe('lower("user")');
    expect(compileProjection('(qty + 1) * 2', schema).outputName).toBe('(qty + 1) * 2');
    expect(compileProjection('qty::bigint', schema).outputName).toBe('CAST(qty AS BIGINT)');
    expect(compileProjection('qty != 1 and not ok', schema).outputName).toBe('qty <> 1 AND NOT ok');
    expect(compileProjection('- -qty', schema).outputName).toBe('-(-qty)');
  });

  it('reports nullability', () => {
    const s: Schema = { fields: [{ name: 'a', type: 'int32', nullable: false }, { name: 'b', type: 'int32' }] };
    expect(compileExpression('a + 1', s).nullable).toBe(false);
    expect(compileExpression('a + b', s).nullable).toBe(true);
    expect(compileExpression('coalesce(b, a)', s).nullable).toBe(false);
    expect(compileExpression("concat(b, 'x')", s).nullable).toBe(false);
    expect(compileExpression('CASE WHEN a > 0 THEN a END', s).nullable).toBe(true);
  });

  it('conditions must be bool; a bare NULL condition is a bool', () => {
    const c = compileCondition('qty > 1 AND ok', schema);
    expect(c.type).toBe('bool');
    // Row 5: NULL > 1 AND FALSE is FALSE.
    expect([...c.evaluate(rows)]).toEqual([true, false, false, true, false]);
    expect(compileCondition('NULL', schema).type).toBe('bool');
    expect(() => compileCondition('qty + 1', schema)).toThrow(/condition must be bool, got int64/);
  });

  it('folds constant subexpressions', () => {
    const e = compileExpression("upper('a') || '-' || CAST(1 + 2 AS TEXT)", schema);
    expect([...e.evaluate(rows)]).toEqual(Array(5).fill('A-3'));
  });
});

describe('lazy evaluation', () => {
  it('skips the right side of AND/OR when the left side decides every row', () => {
    expect(ev('FALSE AND 10 / qty > 0')).toEqual(Array(5).fill(false));
    expect(ev('TRUE OR 10 / qty > 0')).toEqual(Array(5).fill(true));
    expect(ev('qty IS NULL OR qty = 0 OR 10 / qty > 0')).toEqual([true, true, false, true, true]);
  });

  it('still raises for rows that do reach a failing operand', () => {
    expect(() => ev('TRUE AND 10 / qty > 0')).toThrow(/division by zero in "10 \/ qty"/);
  });
});
