// Compile-time errors (ValidationError with field path and column) and runtime errors
// (JobRuntimeError for division by zero and bad casts).

import { describe, expect, it } from 'vitest';
import { Float64, Int32, RecordBatch, Utf8, vectorFromArray } from 'apache-arrow';
import { JobRuntimeError, ValidationError } from '../src/errors.js';
import { compileCondition, compileExpression, compileProjection } from '../src/sql/expr/index.js';
import type { Schema } from '../src/types.js';

const schema: Schema = {
  fields: [
    { name: 'id', type: 'int32' },
    { name: 'amount', type: 'float64' },
    { name: 'user', type: 'utf8' },
  ],
};

/** The ValidationError thrown by `f`. */
function validation(f: () => unknown): ValidationError {
  try {
    f();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('compile errors', () => {
  it('names unknown columns and lists the known ones', () => {
    const err = validation(() => compileCondition('amout > 5', schema, 'transformations[0].config.condition'));
    expect(err.details).toEqual([
      { field: 'transformations[0].config.condition', message: 'unknown column "amout" (columns: id, amount, user)', column: 1 },
    ]);
    expect(err.field).toBe('transformations[0].config.condition');
    expect(err.message).toContain('unknown column "amout"');
    expect(err.retryable).toBe(false);
    expect(validation(() => compileExpression('id + amout', schema)).details![0]!.column).toBe(6);
  });

  it('reports syntax errors with the column in the user text', () => {
    const err = validation(() => compileExpression('amount > ', schema));
    expect(err.message).toMatch(/^syntax error at column 10: unexpected end of input/);
    expect(err.details![0]!.column).toBe(10);
    const e2 = validation(() => compileExpression('id + * 2', schema));
    expect(e2.message).toMatch(/^syntax error at column 6: unexpected "\*"/);
    expect(validation(() => compileExpression('lower(user', schema)).message).toMatch(/syntax error at column 11/);
  });

  it('gives line and column for multi-line expressions', () => {
    const err = validation(() => compileExpression('id > 1\n  AND nope', schema));
    expect(err.details![0]).toMatchObject({ line: 2, column: 7, message: 'unknown column "nope" (columns: id, amount, user)' });
  });

  it('rejects type errors', () => {
    expect(validation(() => compileCondition('user > amount', schema)).message).toBe('cannot compare utf8 with float64');
    expect(validation(() => compileCondition("id = 'x'", schema)).message).toBe('cannot compare int32 with utf8');
    expect(validation(() => compileCondition('id AND TRUE', schema)).message).toBe('argument of AND must be bool, got int32');
    expect(validation(() => compileCondition('NOT user', schema)).message).toBe('argument of NOT must be bool, got utf8');
    expect(validation(() => compileExpression('lower(id)', schema)).message).toBe('lower() expects utf8 as argument 1, got int32');
    expect(validation(() => compileExpression("id LIKE 'x'", schema)).message).toBe('LIKE expects utf8, got int32');
    expect(validation(() => compileExpression("abs('x')", schema)).message).toBe('abs() expects a number as argument 1, got utf8');
    expect(validation(() => compileExpression("coalesce(id, 'x')", schema)).message).toMatch(/coalesce\(\) arguments have incompatible types int32 and utf8/);
    expect(validation(() => compileExpression('-user', schema)).message).toBe('cannot apply unary - to utf8');
  });

  it('names unknown functions and checks arity', () => {
    const err = validation(() => compileExpression('frobnicate(id)', schema, 'x'));
    expect(err.details![0]).toEqual({ field: 'x', message: 'unknown function "frobnicate"', column: 1 });
    expect(validation(() => compileExpression('lower(user, user)', schema)).message).toBe('lower() takes 1 argument, got 2');
    expect(validation(() => compileExpression('substr(user)', schema)).message).toBe('substr() takes 2 or 3 arguments, got 1');
    expect(validation(() => compileExpression('concat()', schema)).message).toBe('concat() takes at least 1 argument, got 0');
  });

  it('accepts exactly one scalar expression', () => {
    expect(validation(() => compileExpression('', schema)).message).toBe('empty expression');
    expect(validation(() => compileExpression('id, amount', schema)).message).toMatch(/single expression, found a list/);
    expect(validation(() => compileExpression('id FROM t', schema)).message).toMatch(/unexpected FROM clause/);
    expect(validation(() => compileExpression('id; DROP TABLE t', schema)).message).toMatch(/another statement/);
    expect(validation(() => compileExpression('id IN (SELECT 1)', schema)).message).toBe('IN (subquery) is not supported');
    expect(validation(() => compileExpression('*', schema)).message).toBe('* is not supported');
    expect(validation(() => compileExpression('t.id', schema)).message).toMatch(/^unknown column "t.id"/);
    expect(validation(() => compileExpression('t.*', schema)).message).toMatch(/table\.\* .* is not supported/);
    expect(validation(() => compileExpression('lower(user).x', schema)).message).toMatch(/field access on an expression/);
    expect(validation(() => compileExpression('count(*)', schema)).message).toBe('count(*) is not supported');
    expect(validation(() => compileExpression('id AS x', schema)).message).toMatch(/alias .* is not allowed/);
    expect(compileProjection('id AS x', schema).outputName).toBe('x');
    expect(compileProjection('id x', schema).outputName).toBe('x');
  });

  it('rejects bad literals and patterns at compile time', () => {
    expect(validation(() => compileExpression('1 / 0', schema)).message).toBe('division by zero in "1 / 0"');
    expect(validation(() => compileExpression("CAST('abc' AS INT)", schema)).message).toBe('invalid input for INT: "abc" in "CAST(\'abc\' AS INT)"');
    expect(validation(() => compileExpression("user LIKE 'ab\\'", schema)).message).toMatch(/must not end with the escape character/);
    expect(validation(() => compileExpression("user LIKE 'a' ESCAPE 'xy'", schema)).message).toMatch(/ESCAPE must be a single-character/);
    expect(validation(() => compileExpression('99999999999999999999', schema)).message).toMatch(/out of range/);
  });
});

describe('runtime errors', () => {
  const batch = new RecordBatch({
    id: vectorFromArray([1, 0, null], new Int32()).data[0]!,
    amount: vectorFromArray([1, 0, 2], new Float64()).data[0]!,
    user: vectorFromArray(['1', 'x', null], new Utf8()).data[0]!,
  });

  function runtime(f: () => unknown): JobRuntimeError {
    try {
      f();
    } catch (err) {
      if (err instanceof JobRuntimeError) return err;
      throw err;
    }
    throw new Error('expected a JobRuntimeError');
  }

  it('division and modulo by zero throw a non-retryable user error naming the expression', () => {
    const err = runtime(() => compileExpression('100 / id', schema).evaluate(batch));
    expect(err.domain).toBe('user');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('division by zero in "100 / id"');
    const e2 = runtime(() => compileCondition('amount % id > 1', schema).evaluate(batch));
    expect(e2.message).toBe('division by zero in "amount % id" (expression: amount % id > 1)');
    expect(runtime(() => compileExpression('amount / amount', schema).evaluate(batch)).message).toMatch(/division by zero/);
  });

  it('NULL divisors give NULL, not an error', () => {
    const b = new RecordBatch({
      id: vectorFromArray([2, null], new Int32()).data[0]!,
      amount: vectorFromArray([1, 1], new Float64()).data[0]!,
      user: vectorFromArray(['a', 'b'], new Utf8()).data[0]!,
    });
    expect([...compileExpression('10 / id', schema).evaluate(b)]).toEqual([5n, null]);
  });

  it('bad casts of column values fail the job', () => {
    const err = runtime(() => compileExpression('CAST(user AS INT)', schema).evaluate(batch));
    expect(err.message).toBe('invalid input for INT: "x" in "CAST(user AS INT)"');
    const big = runtime(() => compileExpression('CAST(amount * 1e10 AS INT)', schema).evaluate(batch));
    expect(big.message).toMatch(/out of range for INT/);
  });
});
