// Calling a scalar UDF inside an expression: argument type checking against the declaration and
// the kernel, which reads each reached row's arguments as JS values, calls the function and
// builds the result column. The function runs only for rows that are reached (a CASE branch,
// the right side of AND/OR) and, unless nulls === 'call', have no NULL argument.

import type { FieldType } from '../../types.js';
import { ExprCompileError } from './ast.js';
import { parseTimestampText } from './cast.js';
import { retype, typeLabel, type Arg } from './coerce.js';
import { constPlan, isActive, isInteger, type Kernel, type Plan, type Site, type VType } from './plan.js';
import type { ScalarUdf } from './udf-types.js';
import { JsColumnBuilder, jsReader } from './udf-values.js';

/** Whether a value of type `actual` may be passed where `declared` is expected (exact or widening). */
function accepts(declared: FieldType, actual: VType): boolean {
  if (actual === declared || actual === 'null') return true;
  if (isInteger(actual)) return declared === 'int64' || declared === 'float64';
  return false;
}

/**
 * Checks argument types against a UDF's declaration (for the aggregate operators); returns an
 * error message, or null when they fit. int32 widens to int64, integers to float64.
 */
export function checkUdfArgTypes(udf: { name: string; args: readonly FieldType[] }, types: readonly VType[]): string | null {
  if (types.length !== udf.args.length) {
    return `${udf.name}() takes ${udf.args.length} argument${udf.args.length === 1 ? '' : 's'}, got ${types.length}`;
  }
  for (let i = 0; i < types.length; i++) {
    if (!accepts(udf.args[i]!, types[i]!)) return `${udf.name}() expects ${udf.args[i]} as argument ${i + 1}, got ${typeLabel(types[i]!)}`;
  }
  return null;
}

export function buildUdfCall(udf: ScalarUdf, args: Arg[], site: Site): Plan {
  const plans = args.map((a, i) => {
    const declared = udf.args[i];
    const p = a.plan;
    // A text literal where a timestamp is declared reads as a timestamp, as in comparisons.
    if (declared === 'timestamp' && p.k === 'const' && typeof p.value === 'string') {
      const ms = parseTimestampText(p.value);
      if (ms === null) throw new ExprCompileError(`invalid timestamp literal '${p.value}' (expected e.g. 2024-01-31T12:00:00Z)`, a.pos);
      return constPlan('timestamp', ms);
    }
    return declared === undefined ? p : retype(p, declared);
  });
  const err = checkUdfArgTypes(udf, plans.map((p) => p.type));
  if (err !== null) {
    const i = plans.findIndex((p, k) => udf.args[k] !== undefined && !accepts(udf.args[k]!, p.type));
    throw new ExprCompileError(err, i >= 0 ? args[i]!.pos : site.pos);
  }
  const strict = udf.nulls === 'skip';
  if (strict && plans.some((p) => p.k === 'const' && p.value === null)) return constPlan(udf.returns, null);
  // Never folded: user code runs on workers, per batch, not at compile time.
  return { k: 'apply', fn: udfKernel(udf, site), args: plans, type: udf.returns, nullable: true, volatile: true };
}

function udfKernel(udf: ScalarUdf, site: Site): Kernel {
  const { fn, nulls } = udf;
  const arity = udf.args.length;
  return (cols, ctx) => {
    const n = ctx.n;
    const readers = cols.map(jsReader);
    const valids = cols.map((c) => c.valid);
    const out = new JsColumnBuilder(udf.returns, n);
    const values: unknown[] = new Array<unknown>(arity);
    for (let i = 0; i < n; i++) {
      if (!isActive(ctx, i)) {
        out.push(null);
        continue;
      }
      let hasNull = false;
      for (let k = 0; k < arity; k++) {
        const valid = valids[k];
        if (valid !== null && valid[i] === 0) {
          values[k] = null;
          hasNull = true;
        } else {
          values[k] = readers[k]!(i);
        }
      }
      if (hasNull && nulls === 'skip') {
        out.push(null);
        continue;
      }
      let result: unknown;
      try {
        result = arity === 1 ? fn(values[0]) : arity === 2 ? fn(values[0], values[1]) : fn(...values);
      } catch (err) {
        ctx.fail(site, `${udf.name}() threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      }
      const bad = out.push(result);
      if (bad !== null) ctx.fail(site, `${udf.name}() ${bad}`);
    }
    return out.finish();
  };
}
