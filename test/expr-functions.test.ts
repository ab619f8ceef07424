// String and math functions, LIKE/ILIKE, COALESCE/NULLIF/GREATEST/LEAST.

import { describe, expect, it } from 'vitest';
import { Float64, Int32, RecordBatch, Utf8, vectorFromArray } from 'apache-arrow';
import { compileExpression } from '../src/sql/expr/index.js';
import type { Schema } from '../src/types.js';

const schema: Schema = {
  fields: [
    { name: 's', type: 'utf8' },
    { name: 'n', type: 'int32' },
    { name: 'x', type: 'float64' },
  ],
};
const S = ['Hello', '  pad  ', 'ünïcödé', null, '', 'a%b_c'];
const N = [1, 2, -3, 4, null, 0];
const X = [1.5, -2.5, 2.345, null, 0.5, 9];
const batch = new RecordBatch({
  s: vectorFromArray(S, new Utf8()).data[0]!,
  n: vectorFromArray(N, new Int32()).data[0]!,
  x: vectorFromArray(X, new Float64()).data[0]!,
});

function ev(text: string): unknown[] {
  return [...compileExpression(text, schema).evaluate(batch)].map((v) => (typeof v === 'bigint' ? Number(v) : v));
}

describe('string functions', () => {
  it('lower/upper handle ASCII and Unicode', () => {
    expect(ev('lower(s)')).toEqual(['hello', '  pad  ', 'ünïcödé', null, '', 'a%b_c']);
    expect(ev('upper(s)')).toEqual(['HELLO', '  PAD  ', 'ÜNÏCÖDÉ', null, '', 'A%B_C']);
  });

  it('length counts characters, not bytes', () => {
    expect(ev('length(s)')).toEqual([5, 7, 7, null, 0, 5]);
    expect(ev('char_length(s)')).toEqual([5, 7, 7, null, 0, 5]);
    expect(compileExpression('length(s)', schema).type).toBe('int32');
  });

  it('substr is 1-based with Postgres edge cases', () => {
    expect(ev('substr(s, 2, 3)')).toEqual(['ell', ' pa', 'nïc', null, '', '%b_']);
    expect(ev('substring(s, 3)')).toEqual(['llo', 'pad  ', 'ïcödé', null, '', 'b_c']);
    expect(ev("substr('hello', 0, 2)")[0]).toBe('h');
    expect(ev("substr('hello', -1, 3)")[0]).toBe('h');
    expect(ev("substr('hello', 10)")[0]).toBe('');
    expect(ev('substr(s, n)')).toEqual(['Hello', ' pad  ', 'ünïcödé', null, null, 'a%b_c']);
  });

  it('concat treats NULL as empty; || is NULL-strict and casts non-text', () => {
    expect(ev("concat(s, '-', n)")).toEqual(['Hello-1', '  pad  -2', 'ünïcödé--3', '-4', '-', 'a%b_c-0']);
    expect(ev("s || '!'")).toEqual(['Hello!', '  pad  !', 'ünïcödé!', null, '!', 'a%b_c!']);
    expect(ev("'n=' || n")).toEqual(['n=1', 'n=2', 'n=-3', 'n=4', null, 'n=0']);
    expect(ev("concat(x)")).toEqual(['1.5', '-2.5', '2.345', '', '0.5', '9']);
  });

  it('trim family trims spaces or the given characters', () => {
    expect(ev('trim(s)')[1]).toBe('pad');
    expect(ev('ltrim(s)')[1]).toBe('pad  ');
    expect(ev('rtrim(s)')[1]).toBe('  pad');
    expect(ev("trim('xxhixx', 'x')")[0]).toBe('hi');
    expect(ev("btrim('éaé', 'é')")[0]).toBe('a');
    expect(ev("rtrim('abcba', 'ab')")[0]).toBe('abc');
  });

  it('replace substitutes every occurrence', () => {
    expect(ev("replace(s, 'l', 'L')")).toEqual(['HeLLo', '  pad  ', 'ünïcödé', null, '', 'a%b_c']);
    expect(ev("replace('aaa', 'aa', 'b')")[0]).toBe('ba');
    expect(ev("replace('abc', '', 'x')")[0]).toBe('abc');
    expect(ev("replace('ünï', 'ï', 'i')")[0]).toBe('üni');
  });
});

describe('LIKE', () => {
  it('matches % and _ including multi-byte characters', () => {
    expect(ev("s LIKE 'H%'")).toEqual([true, false, false, null, false, false]);
    expect(ev("s LIKE '%o'")).toEqual([true, false, false, null, false, false]);
    expect(ev("s LIKE '%ll%'")).toEqual([true, false, false, null, false, false]);
    expect(ev("s LIKE '_nïc_d_'")).toEqual([false, false, true, null, false, false]);
    expect(ev("s LIKE 'H_l%o'")).toEqual([true, false, false, null, false, false]);
    expect(ev("s LIKE ''")).toEqual([false, false, false, null, true, false]);
    expect(ev("s LIKE '%'")).toEqual([true, true, true, null, true, true]);
    expect(ev("s NOT LIKE '%l%'")).toEqual([false, true, true, null, true, true]);
  });

  it('backtracks correctly across several %', () => {
    expect(ev("'abcabcabd' LIKE '%abc%abd'")[0]).toBe(true);
    expect(ev("'abcabcab' LIKE '%abc%abd'")[0]).toBe(false);
    expect(ev("'aXbXc' LIKE 'a%b%c'")[0]).toBe(true);
    expect(ev("'mississippi' LIKE '%iss%ppi'")[0]).toBe(true);
    expect(ev("'ab' LIKE '_%_'")[0]).toBe(true);
    expect(ev("'a' LIKE '_%_'")[0]).toBe(false);
  });

  it('treats regex metacharacters literally and supports escapes', () => {
    expect(ev("'a.c' LIKE 'a.c'")[0]).toBe(true);
    expect(ev("'abc' LIKE 'a.c'")[0]).toBe(false);
    expect(ev("'(x)' LIKE '(%)'")[0]).toBe(true);
    expect(ev("s LIKE 'a\\%b\\_c'")).toEqual([false, false, false, null, false, true]);
    expect(ev("s LIKE 'a!%b!_c' ESCAPE '!'")).toEqual([false, false, false, null, false, true]);
    expect(ev("'a%b' LIKE 'a\\%b'")[0]).toBe(true);
    expect(ev("'axb' LIKE 'a\\%b'")[0]).toBe(false);
  });

  it('ILIKE ignores case, also for non-ASCII', () => {
    expect(ev("s ILIKE 'hello'")).toEqual([true, false, false, null, false, false]);
    expect(ev("s ILIKE 'ÜN%'")).toEqual([false, false, true, null, false, false]);
    expect(ev("s NOT ILIKE '%L%'")).toEqual([false, true, true, null, true, true]);
  });

  it('accepts a column as the pattern', () => {
    expect(ev("'Hello' LIKE s")).toEqual([true, false, false, null, false, false]);
  });
});

describe('math functions', () => {
  it('abs, floor, ceil keep integers integral and floats float', () => {
    expect(ev('abs(n)')).toEqual([1, 2, 3, 4, null, 0]);
    expect(compileExpression('abs(n)', schema).type).toBe('int64');
    expect(ev('abs(x)')).toEqual([1.5, 2.5, 2.345, null, 0.5, 9]);
    expect(ev('floor(x)')).toEqual([1, -3, 2, null, 0, 9]);
    expect(ev('ceil(x)')).toEqual([2, -2, 3, null, 1, 9]);
    expect(ev('ceiling(x)')).toEqual([2, -2, 3, null, 1, 9]);
    expect(compileExpression('floor(x)', schema).type).toBe('float64');
  });

  it('round is half away from zero, with optional digits', () => {
    expect(ev('round(x)')).toEqual([2, -3, 2, null, 1, 9]);
    expect(ev('round(x, 1)')).toEqual([1.5, -2.5, 2.3, null, 0.5, 9]);
    expect(ev('round(1234.5, -2)')[0]).toBe(1200);
    expect(ev('round(n)')).toEqual([1, 2, -3, 4, null, 0]);
  });

  it('sqrt, power, mod', () => {
    expect(ev('sqrt(x)')[5]).toBe(3);
    expect(ev('sqrt(n)')[2]).toBeNaN();
    expect(ev('power(n, 2)')).toEqual([1, 4, 9, 16, null, 0]);
    expect(ev('pow(2, 10)')[0]).toBe(1024);
    expect(compileExpression('power(n, 2)', schema).type).toBe('float64');
    expect(ev('mod(x, 2)')).toEqual([1.5, -0.5, 0.3450000000000002, null, 0.5, 1]);
  });
});

describe('conditional functions', () => {
  it('coalesce returns the first non-null argument', () => {
    expect(ev("coalesce(s, 'none')")).toEqual(['Hello', '  pad  ', 'ünïcödé', 'none', '', 'a%b_c']);
    expect(ev('coalesce(NULL, n, 7)')).toEqual([1, 2, -3, 4, 7, 0]);
    expect(ev('coalesce(NULL, NULL)')).toEqual(Array(6).fill(null));
    expect(compileExpression('coalesce(n, x)', schema).type).toBe('float64');
  });

  it('coalesce only evaluates later arguments where needed', () => {
    expect(ev('coalesce(n, 1 / n)')).toEqual([1, 2, -3, 4, null, 0]);
  });

  it('nullif returns NULL when both are equal', () => {
    expect(ev('nullif(n, 2)')).toEqual([1, null, -3, 4, null, 0]);
    expect(ev('10 / nullif(n, 0)')).toEqual([10, 5, -3, 2, null, null]);
  });

  it('greatest/least ignore NULLs', () => {
    expect(ev('greatest(n, x)')).toEqual([1.5, 2, 2.345, 4, 0.5, 9]);
    expect(ev('least(n, x, 0)')).toEqual([0, -2.5, -3, 0, 0, 0]);
    expect(ev("greatest(s, 'b')")).toEqual(['b', 'b', 'ünïcödé', 'b', 'b', 'b']);
    expect(ev('greatest(NULL, NULL)')).toEqual(Array(6).fill(null));
  });
});
