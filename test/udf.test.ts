// TypeScript UDFs: loading a module from source (types, declarations, load-time failures) and
// calling scalar UDFs inside expressions over Arrow batches; aggregate UDFs as the aggregate
// operators will drive them.

import { describe, expect, it } from 'vitest';
import { Float64, Int32, RecordBatch, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import { JobRuntimeError, ValidationError } from '../src/errors.js';
import {
  checkUdfArgTypes, compileCondition, compileExpression, compileProjection, jsValues, loadUdfs, vectorFromJs,
  type UdfRegistry,
} from '../src/sql/expr/index.js';
import type { Schema } from '../src/types.js';

const MODULE = `
import { udf, udaf } from 'rivulet/udf';
import { createHash } from 'node:crypto';

interface Stats { n: number; sum: number }
const HOUR: number = 3_600_000;

export const double_it = udf({ args: ['float64'], returns: 'float64' }, (x: number) => x * 2);
export const Shout = udf({ args: ['utf8', 'int32'], returns: 'utf8' }, (s: string, n: number) => s.toUpperCase() + '!'.repeat(n));
export const or_none = udf({ args: ['utf8'], returns: 'utf8', nulls: 'call' }, (s: string | null) => s ?? 'none');
export const never_null = udf({ args: ['float64'], returns: 'bool' }, (x: number) => {
  if (x === null) throw new Error('called with null');
  return x > 0;
});
export const next_hour = udf({ args: ['timestamp'], returns: 'timestamp' }, (t: number) => new Date(t + HOUR));
export const md5_len = udf({ args: ['utf8'], returns: 'int64' }, (s) => createHash('md5').update(s).digest('hex').length);
export const positive_only = udf({ args: ['float64'], returns: 'float64' }, (x) => {
  if (x < 0) throw new RangeError('negative: ' + x);
  return Math.sqrt(x);
});
export const wrong_type = udf({ args: ['float64'], returns: 'int64' }, (x) => x / 3);
export const async_one = udf({ args: [], returns: 'int32' }, async () => 1);
export const mean = udaf({ args: ['float64'], returns: 'float64' }, {
  create: (): Stats => ({ n: 0, sum: 0 }),
  add: (acc: Stats, x: number) => ({ n: acc.n + 1, sum: acc.sum + x }),
  merge: (a: Stats, b: Stats) => ({ n: a.n + b.n, sum: a.sum + b.sum }),
  result: (acc: Stats) => (acc.n === 0 ? null : acc.sum / acc.n),
  retract: (acc: Stats, x: number) => ({ n: acc.n - 1, sum: acc.sum - x }),
});
export function helper(): number { return 1; }   // not a UDF: ignored
export const VERSION = 3;                        // ignored
`;

const schema: Schema = {
  fields: [
    { name: 'amount', type: 'float64' },
    { name: 'qty', type: 'int32' },
    { name: 'name', type: 'utf8' },
    { name: 'ts', type: 'timestamp' },
  ],
};
const batch = new RecordBatch({
  amount: vectorFromArray([4, -1.5, null, 0.5], new Float64()).data[0]!,
  qty: vectorFromArray([1, 2, 3, null], new Int32()).data[0]!,
  name: vectorFromArray(['ann', null, 'bé', 'x'], new Utf8()).data[0]!,
  ts: vectorFromArray([0, 1_700_000_000_000, null, -1], new TimestampMillisecond()).data[0]!,
});

async function rejection(source: string): Promise<ValidationError> {
  const err = await loadUdfs(source).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as ValidationError).details![0]!.field).toBe('udfs');
  return err as ValidationError;
}

describe('loading a UDF module from TypeScript source', () => {
  it('registers udf() and udaf() exports under their lower-cased names with their declarations', async () => {
    const reg = await loadUdfs(MODULE);
    expect([...reg.scalar.keys()].sort()).toEqual(
      ['async_one', 'double_it', 'md5_len', 'never_null', 'next_hour', 'or_none', 'positive_only', 'shout', 'wrong_type'],
    );
    expect([...reg.aggregate.keys()]).toEqual(['mean']);
    const shout = reg.scalar.get('shout')!;
    expect(shout).toMatchObject({ kind: 'scalar', name: 'shout', exportName: 'Shout', args: ['utf8', 'int32'], returns: 'utf8', nulls: 'skip' });
    expect(reg.scalar.get('or_none')!.nulls).toBe('call');
    expect(reg.aggregate.get('mean')).toMatchObject({ kind: 'aggregate', args: ['float64'], returns: 'float64', nulls: 'skip' });
  });

  it('rejects bad declarations, naming the export', async () => {
    const head = "import { udf, udaf } from 'rivulet/udf';\n";
    const bad: [string, RegExp][] = [
      ["export const f = udf({ args: ['double'], returns: 'float64' }, (x) => x);", /^udfs: export "f": args\[0\] must be one of int32, int64, float64, utf8, bool, timestamp, got "double"$/],
      ["export const g = udf({ args: 'float64', returns: 'float64' }, (x) => x);", /export "g": args must be an array/],
      ["export const h = udf({ args: [], returns: 'text' }, () => 'x');", /export "h": returns must be one of .*got "text"/],
      ["export const k = udf({ args: [], returns: 'bool', nulls: 'never' }, () => true);", /export "k": nulls must be 'skip' or 'call'/],
      ["export const m = udf({ args: [], returns: 'bool', retuns: 'x' } as any, () => true);", /export "m": unknown declaration key "retuns"/],
      ["export const n = udf({ args: [], returns: 'bool' }, 42 as any);", /export "n": udf\(\) needs a function/],
      ["export const p = udaf({ args: ['int64'], returns: 'int64' }, { create: () => 0, add: (a, x) => a + x, result: (a) => a } as any);", /export "p": merge must be a function/],
      ["export const lower = udf({ args: ['utf8'], returns: 'utf8' }, (s) => s);", /export "lower": "lower" is a built-in function/],
      ["export const SUM = udaf({ args: ['int64'], returns: 'int64' }, { create: () => 0, add: (a, x) => a + x, merge: (a, b) => a + b, result: (a) => a });", /export "SUM": "sum" is a built-in function/],
      ["export const dup = udf({ args: [], returns: 'int32' }, () => 1);\nexport const DUP = udf({ args: [], returns: 'int32' }, () => 2);", /export "DUP": same SQL name as export "dup"/],
    ];
    for (const [code, message] of bad) expect((await rejection(head + code)).message).toMatch(message);
  });

  it('rejects a module that throws while loading, imports what workers may lack, or does not compile', async () => {
    const threw = await rejection("import { udf } from 'rivulet/udf';\nconst cfg = JSON.parse('{oops');\nexport const f = udf({ args: [], returns: 'int32' }, () => 1);");
    expect(threw.message).toMatch(/^udfs: the UDF module threw while loading: SyntaxError: .*JSON/);
    expect((await rejection("throw new Error('boom');")).message).toBe('udfs: the UDF module threw while loading: Error: boom');
    expect((await rejection("import _ from 'lodash';\nexport const x = _.identity(1);")).message).toMatch(/cannot import "lodash": a UDF module may import only 'rivulet\/udf' and Node built-ins/);
    const syntax = await rejection("import { udf } from 'rivulet/udf';\nexport const f = udf({ args: [] returns: 'int32' }, () => 1);");
    expect(syntax.message).toMatch(/^udfs: the UDF module does not compile: /);
    expect(syntax.details![0]!.line).toBe(2);
  });

  it('loads an empty module and one without UDFs', async () => {
    expect((await loadUdfs('')).scalar.size).toBe(0);
    expect((await loadUdfs('export const x: number = 1;')).aggregate.size).toBe(0);
  });
});

describe('scalar UDFs in expressions', () => {
  let reg: UdfRegistry;
  const ev = (text: string) => [...compileProjection(text, schema, undefined, { udfs: reg }).evaluate(batch)];
  const runtime = (text: string): JobRuntimeError => {
    const e = compileExpression(text, schema, undefined, { udfs: reg });
    try {
      e.evaluate(batch);
    } catch (err) {
      expect(err).toBeInstanceOf(JobRuntimeError);
      expect((err as JobRuntimeError).domain).toBe('user');
      expect((err as JobRuntimeError).retryable).toBe(false);
      return err as JobRuntimeError;
    }
    throw new Error(`expected ${text} to fail`);
  };

  it('evaluate per row over a batch, typed by the declaration, nulls in giving null out', async () => {
    reg = await loadUdfs(MODULE);
    const e = compileExpression('double_it(amount) + 1', schema, undefined, { udfs: reg });
    expect(e.type).toBe('float64');
    expect(e.nullable).toBe(true);
    expect([...e.evaluate(batch)]).toEqual([9, -2, null, 2]);
    expect(ev('SHOUT(name, qty)')).toEqual(['ANN!', null, 'BÉ!!!', null]);
    expect(ev('never_null(amount)')).toEqual([true, false, null, true]);
    expect(ev('next_hour(ts)')).toEqual([3_600_000, 1_700_003_600_000, null, 3_599_999]);
    expect(ev("next_hour('1970-01-01T00:00:00Z')")).toEqual([3_600_000, 3_600_000, 3_600_000, 3_600_000]);
    expect(ev('md5_len(name)')).toEqual([32n, null, 32n, 32n]);
    expect(compileProjection('double_it(amount)', schema, undefined, { udfs: reg }).outputName).toBe('double_it(amount)');
  });

  it("pass nulls to functions declared nulls: 'call'", () => {
    expect(ev('or_none(name)')).toEqual(['ann', 'none', 'bé', 'x']);
    expect(ev('or_none(NULL)')).toEqual(['none', 'none', 'none', 'none']);
    expect(ev('double_it(NULL)')).toEqual([null, null, null, null]);
  });

  it('widen integer arguments and reject other types and arities at compile time', () => {
    expect(ev('double_it(qty)')).toEqual([2, 4, 6, null]);
    const bad = (text: string) => () => compileExpression(text, schema, 'x', { udfs: reg });
    expect(bad('double_it(name)')).toThrow(ValidationError);
    expect(bad('double_it(name)')).toThrow('x: double_it() expects float64 as argument 1, got utf8');
    expect(bad('shout(name, amount)')).toThrow('shout() expects int32 as argument 2, got float64');
    expect(bad('double_it(amount, amount)')).toThrow('double_it() takes 1 argument, got 2');
    expect(bad('mean(amount)')).toThrow('mean() is an aggregate function; it cannot be used in a scalar expression');
    expect(() => compileExpression('double_it(amount)', schema)).toThrow('unknown function "double_it"');
  });

  it('call the function only for reached rows, e.g. in a CASE branch or after AND', () => {
    expect(ev('CASE WHEN amount >= 0 THEN positive_only(amount) ELSE 0 END')).toEqual([2, 0, 0, Math.sqrt(0.5)]);
    const cond = compileCondition('amount > 0 AND positive_only(amount) > 1', schema, undefined, { udfs: reg });
    expect([...cond.evaluate(batch)]).toEqual([true, false, null, false]);
  });

  it('fail the job as a user error when the function throws or returns a wrong value', () => {
    expect(runtime('positive_only(amount)').message).toBe('positive_only() threw RangeError: negative: -1.5 in "positive_only(amount)"');
    expect(runtime('wrong_type(amount)').message).toMatch(/^wrong_type\(\) returned number 1.3333333333333333, but its declared result type is int64/);
    expect(runtime('async_one()').message).toMatch(/returned a Promise \(UDFs must be synchronous\)/);
  });

  it('are not folded at compile time, even with constant arguments', () => {
    const e = compileExpression('positive_only(-4)', schema, undefined, { udfs: reg });
    expect(() => e.evaluate(batch)).toThrow(/negative: -4/);
  });
});

describe('aggregate UDFs, as the aggregate operators drive them', () => {
  it('create, add, merge, retract and result over JS values of a vector', async () => {
    const mean = (await loadUdfs(MODULE)).aggregate.get('mean')!;
    expect(checkUdfArgTypes(mean, ['int32'])).toBeNull();
    expect(checkUdfArgTypes(mean, ['utf8'])).toBe('mean() expects float64 as argument 1, got utf8');
    expect(checkUdfArgTypes(mean, [])).toBe('mean() takes 1 argument, got 0');
    const xs = jsValues(batch.getChild('amount')!, 'float64');
    expect(xs).toEqual([4, -1.5, null, 0.5]);
    let a = mean.create();
    for (const x of xs.slice(0, 2)) if (x !== null) a = mean.add(a, x);
    let b = mean.create();
    for (const x of xs.slice(2)) if (x !== null) b = mean.add(b, x);
    const all = mean.merge(a, b);
    expect(mean.result(all)).toBeCloseTo(1);
    expect(mean.result(mean.retract!(all, 4))).toBeCloseTo(-0.5);
    const out = vectorFromJs([mean.result(all), mean.result(mean.create())], mean.returns, 'mean()');
    expect([...out]).toEqual([1, null]);
    expect(() => vectorFromJs(['x'], 'float64', 'mean()')).toThrow(/mean\(\) returned the string "x", but its declared result type is float64/);
    expect(jsValues(batch.getChild('ts')!, 'timestamp')).toEqual([0, 1_700_000_000_000, null, -1]);
    expect(jsValues(batch.getChild('name')!, 'utf8')).toEqual(['ann', null, 'bé', 'x']);
  });
});
