// The scalar function library: name -> arity, argument types, result type and kernel.
// Integer-valued math results (abs/round/floor/ceil of an integer) are int64. Time functions
// live in time.ts; calls to names not defined here go to the job's scalar UDFs (udf-call.ts).

import { ExprCompileError } from './ast.js';
import { mapKernel, map2Kernel } from './arith.js';
import { commonType, comparable, retype, typeLabel, type Arg } from './coerce.js';
import { cmpKernel } from './compare.js';
import { apply, foldConstants } from './fold.js';
import { isNullKernel } from './logic.js';
import { extremumKernel, roundDigits, roundHalfAway } from './math.js';
import { buildArith, toText } from './operators.js';
import { constPlan, isInteger, isNumeric, type Plan, type Site, type VType } from './plan.js';
import { concatKernel, lengthKernel, lowerKernel, replaceKernel, substrKernel, trimKernel, upperKernel } from './strings.js';
import { datePart, dateTrunc, now, toTimestamp } from './time.js';
import { buildUdfCall } from './udf-call.js';
import type { UdfRegistry } from './udf-types.js';

export interface FnCall {
  name: string;
  args: Arg[];
  site: Site;
}

interface FnDef {
  min: number;
  max: number;
  build(call: FnCall): Plan;
}

/** Checks argument `i` against a predicate; NULL literals pass and get type `as`. */
function arg(call: FnCall, i: number, ok: (t: VType) => boolean, expected: string, as: VType): Plan {
  const a = call.args[i]!;
  if (a.plan.type === 'null') return retype(a.plan, as);
  if (!ok(a.plan.type)) {
    throw new ExprCompileError(`${call.name}() expects ${expected} as argument ${i + 1}, got ${typeLabel(a.plan.type)}`, a.pos);
  }
  return a.plan;
}
const text = (c: FnCall, i: number): Plan => arg(c, i, (t) => t === 'utf8', 'utf8', 'utf8');
const integer = (c: FnCall, i: number): Plan => arg(c, i, isInteger, 'an integer', 'int64');
const numeric = (c: FnCall, i: number): Plan => arg(c, i, isNumeric, 'a number', 'float64');
const args = (c: FnCall, f: (c: FnCall, i: number) => Plan): Plan[] => c.args.map((_, i) => f(c, i));

/** Result type of rounding-style functions: integers stay integral (int64), floats stay float64. */
const roundedType = (p: Plan): VType => (isInteger(p.type) ? 'int64' : 'float64');

const fixed = (min: number, max: number, build: (c: FnCall) => Plan): FnDef => ({ min, max, build });

function caseMap(kernel: typeof lowerKernel): FnDef {
  return fixed(1, 1, (c) => apply(kernel, [text(c, 0)], 'utf8'));
}
function numericMap(f: (x: number) => number, resultType: (p: Plan) => VType): FnDef {
  return fixed(1, 1, (c) => {
    const x = numeric(c, 0);
    return apply(mapKernel(f), [x], resultType(x));
  });
}
function trim(left: boolean, right: boolean): FnDef {
  return fixed(1, 2, (c) => apply(trimKernel(left, right), args(c, text), 'utf8'));
}

const length = fixed(1, 1, (c) => apply(lengthKernel, [text(c, 0)], 'int32'));
const substr = fixed(2, 3, (c) =>
  apply(substrKernel(c.site), [text(c, 0), ...c.args.slice(1).map((_, i) => integer(c, i + 1))], 'utf8'));
const ceil = numericMap(Math.ceil, roundedType);
const power = fixed(2, 2, (c) => apply(map2Kernel(Math.pow), args(c, numeric), 'float64'));

function coalesce(c: FnCall): Plan {
  const { type, plans } = commonType(c.args, 'coalesce() arguments');
  if (type === 'null') return constPlan('null', null);
  // Arguments after the first non-nullable one can never be reached.
  const stop = plans.findIndex((p) => !p.nullable);
  const used = stop >= 0 ? plans.slice(0, stop + 1) : plans;
  if (used.length === 1) return used[0]!;
  for (const p of used) p.shared = true;
  const whens = used.slice(0, -1).map((p) => ({ cond: apply(isNullKernel(true), [p], 'bool', { strict: false, nullable: false }), then: p }));
  return foldConstants({ k: 'case', type, nullable: used.every((p) => p.nullable), whens, otherwise: used[used.length - 1]! });
}

function nullif(c: FnCall): Plan {
  const [a, b] = c.args as [Arg, Arg];
  const cmp = comparable(a, b, c.site.pos);
  const value = cmp.l;
  if (value.type === 'null') return value;
  value.shared = true;
  const equal = apply(cmpKernel('=', cmp.domain), [value, cmp.r], 'bool');
  return foldConstants({ k: 'case', type: value.type, nullable: true, whens: [{ cond: equal, then: constPlan(value.type, null) }], otherwise: value });
}

function extremum(greatest: boolean): FnDef {
  return fixed(1, Infinity, (c) => {
    const { type, plans } = commonType(c.args, `${c.name}() arguments`);
    if (type === 'null') return constPlan('null', null);
    return apply(extremumKernel(greatest), plans.map((p) => retype(p, type)), type, {
      strict: false,
      nullable: plans.every((p) => p.nullable),
    });
  });
}

export const FUNCTIONS: Record<string, FnDef> = {
  lower: caseMap(lowerKernel),
  upper: caseMap(upperKernel),
  length,
  char_length: length,
  character_length: length,
  substr,
  substring: substr,
  concat: fixed(1, Infinity, (c) =>
    apply(concatKernel(false), c.args.map((a) => toText(a.plan, c.site)), 'utf8', { strict: false, nullable: false })),
  trim: trim(true, true),
  btrim: trim(true, true),
  ltrim: trim(true, false),
  rtrim: trim(false, true),
  replace: fixed(3, 3, (c) => apply(replaceKernel, args(c, text), 'utf8')),
  abs: numericMap(Math.abs, roundedType),
  round: fixed(1, 2, (c) => {
    const x = numeric(c, 0);
    if (c.args.length === 1) return apply(mapKernel(roundHalfAway), [x], roundedType(x));
    return apply(map2Kernel(roundDigits), [x, integer(c, 1)], roundedType(x));
  }),
  floor: numericMap(Math.floor, roundedType),
  ceil,
  ceiling: ceil,
  sqrt: numericMap(Math.sqrt, () => 'float64'),
  power,
  pow: power,
  mod: fixed(2, 2, (c) => {
    const [a, b] = [numeric(c, 0), numeric(c, 1)];
    return buildArith('%', { plan: a, pos: c.args[0]!.pos }, { plan: b, pos: c.args[1]!.pos }, c.site);
  }),
  coalesce: fixed(1, Infinity, coalesce),
  nullif: fixed(2, 2, nullif),
  greatest: extremum(true),
  least: extremum(false),
  date_trunc: fixed(2, 2, dateTrunc),
  date_part: fixed(2, 2, datePart),
  extract: fixed(2, 2, datePart),
  now: fixed(0, 0, now),
  to_timestamp: fixed(1, 1, toTimestamp),
};

export function buildCall(call: FnCall, udfs?: UdfRegistry): Plan {
  const def = Object.hasOwn(FUNCTIONS, call.name) ? FUNCTIONS[call.name] : undefined;
  if (!def) {
    const udf = udfs?.scalar.get(call.name);
    if (udf) return buildUdfCall(udf, call.args, call.site);
    if (udfs?.aggregate.has(call.name)) {
      throw new ExprCompileError(`${call.name}() is an aggregate function; it cannot be used in a scalar expression`, call.site.pos);
    }
    throw new ExprCompileError(`unknown function "${call.name}"`, call.site.pos);
  }
  const n = call.args.length;
  if (n < def.min || n > def.max) {
    const want = def.min === def.max ? `${def.min}` : def.max === Infinity ? `at least ${def.min}` : `${def.min} or ${def.max}`;
    const noun = want === '1' || want === 'at least 1' ? 'argument' : 'arguments';
    throw new ExprCompileError(`${call.name}() takes ${want} ${noun}, got ${n}`, call.site.pos);
  }
  return def.build(call);
}
