// The loaded, validated form of user-defined functions (udf.ts builds them from a user module).
// Aggregate operators use AggregateUdf: per group, `create()`, then `add(acc, ...args)` per row
// (rows with a NULL argument are skipped unless nulls === 'call'), `merge` to combine partial
// accumulators, `result(acc)` for the output value; arguments and results convert with
// jsValues / vectorFromJs (udf-values.ts) and checkUdfArgTypes validates argument types.

import type { FieldType } from '../../types.js';
import type { NullHandling } from './udf-api.js';

export type { NullHandling };

interface UdfSignature {
  /** SQL name: the export's name, lower-cased (SQL function names are case-insensitive). */
  readonly name: string;
  /** The export's name as written in the module. */
  readonly exportName: string;
  readonly args: readonly FieldType[];
  readonly returns: FieldType;
  readonly nulls: NullHandling;
}

export interface ScalarUdf extends UdfSignature {
  readonly kind: 'scalar';
  readonly fn: (...args: unknown[]) => unknown;
}

export interface AggregateUdf<Acc = unknown> extends UdfSignature {
  readonly kind: 'aggregate';
  create(): Acc;
  add(acc: Acc, ...args: unknown[]): Acc;
  merge(a: Acc, b: Acc): Acc;
  result(acc: Acc): unknown;
  /** Present when the module defines it. */
  readonly retract?: (acc: Acc, ...args: unknown[]) => Acc;
}

export interface UdfRegistry {
  scalar: Map<string, ScalarUdf>;
  aggregate: Map<string, AggregateUdf>;
}

export function emptyUdfRegistry(): UdfRegistry {
  return { scalar: new Map(), aggregate: new Map() };
}
