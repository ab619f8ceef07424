// What a UDF module sees as `import { udf, udaf } from 'rivulet/udf'`. The helpers only mark a
// declaration; udf.ts validates it when it loads the module, since only then is the export's
// name known (errors name the export). No imports beyond types: user code loads this at runtime.
//
//   export const double_it = udf({ args: ['float64'], returns: 'float64' }, (x) => x * 2);
//   export const my_sum = udaf({ args: ['float64'], returns: 'float64' },
//     { create: () => 0, add: (acc, x) => acc + x, merge: (a, b) => a + b, result: (acc) => acc });
//
// Values: int32/int64/float64 are numbers (int64 exact to 2^53), timestamps are numbers of ms
// since the epoch (UTC; a returned Date is accepted too), utf8 strings, bool booleans; null is
// SQL NULL. A scalar UDF returns a value or null; an aggregate's accumulator is plain data (it is
// checkpointed, so: numbers, strings, booleans, null, arrays and plain objects of those).

import type { FieldType } from '../../types.js';

/** Marks the objects udf()/udaf() return; a Symbol.for so that copies of this module agree. */
export const UDF_MARK: unique symbol = Symbol.for('rivulet.udf') as never;

/**
 * `skip` (default): a row with a NULL argument is not passed to the function (a scalar UDF
 * returns NULL for it, an aggregate ignores the row). `call`: the function receives the nulls.
 */
export type NullHandling = 'skip' | 'call';

export interface UdfDeclaration<A extends readonly FieldType[] = readonly FieldType[], R extends FieldType = FieldType> {
  args: A;
  returns: R;
  nulls?: NullHandling;
}

/** The JavaScript value of a SQL type. */
export type JsValue<T extends FieldType> = T extends 'utf8' ? string : T extends 'bool' ? boolean : number;
export type JsArgs<A extends readonly FieldType[]> = { -readonly [K in keyof A]: JsValue<A[K]> };

export interface AggregateImpl<Acc, Args extends unknown[], R> {
  /** A fresh accumulator (for each group and window). */
  create(): Acc;
  /** Adds one row; returns the new accumulator (it may be the same object, mutated). */
  add(acc: Acc, ...args: Args): Acc;
  /** Combines two partial accumulators (e.g. of session windows that merge). */
  merge(a: Acc, b: Acc): Acc;
  /** The aggregate's value. */
  result(acc: Acc): R | null;
  /** Optional: removes a row added before (updating aggregates, retractions). */
  retract?(acc: Acc, ...args: Args): Acc;
}

export interface ScalarUdfDefinition {
  readonly [UDF_MARK]: 'scalar';
  readonly declaration: unknown;
  readonly fn: unknown;
}

export interface AggregateUdfDefinition {
  readonly [UDF_MARK]: 'aggregate';
  readonly declaration: unknown;
  readonly impl: unknown;
}

/** Declares a scalar UDF, called once per row. */
export function udf<const A extends readonly FieldType[], const R extends FieldType>(
  declaration: UdfDeclaration<A, R>,
  fn: (...args: JsArgs<A>) => JsValue<R> | Date | null | undefined,
): ScalarUdfDefinition {
  return { [UDF_MARK]: 'scalar', declaration, fn };
}

/** Declares an aggregate UDF (used like sum(...) in GROUP BY and window aggregates). */
export function udaf<const A extends readonly FieldType[], const R extends FieldType, Acc>(
  declaration: UdfDeclaration<A, R>,
  impl: AggregateImpl<Acc, JsArgs<A>, JsValue<R>>,
): AggregateUdfDefinition {
  return { [UDF_MARK]: 'aggregate', declaration, impl };
}
