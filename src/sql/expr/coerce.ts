// Type rules shared by operators and functions: which types compare, what a set of branches
// unifies to, and the implicit literal coercions we allow (NULL to anything, a string literal to
// a timestamp when compared with one, like Postgres' untyped literals).
//
// Rules: int32/int64 mixes are int64, anything with float64 is float64, timestamps only mix with
// timestamps (or string literals that parse as one), utf8 and bool only with themselves.

import { ExprCompileError } from './ast.js';
import { parseTimestampText } from './cast.js';
import type { Domain } from './compare.js';
import { constPlan, isInteger, isNumeric, type Plan, type VType } from './plan.js';

export interface Arg {
  plan: Plan;
  pos: number;
}

export const typeLabel = (t: VType): string => (t === 'null' ? 'NULL' : t);

/** Gives an untyped NULL a type; other plans are returned as they are. */
export function retype(p: Plan, t: VType): Plan {
  return p.k === 'const' && p.type === 'null' ? constPlan(t, null) : p;
}

/** Adapts `a` to type `t`, which unify() has already found compatible. */
function coerceTo(a: Arg, t: VType): Plan {
  const p = a.plan;
  if (p.type === t || p.type === 'null') return retype(p, t);
  if (isNumeric(p.type) && isNumeric(t)) return p; // same Float64Array representation
  if (t === 'timestamp' && p.type === 'utf8' && p.k === 'const' && typeof p.value === 'string') {
    const ms = parseTimestampText(p.value);
    if (ms === null) throw new ExprCompileError(`invalid timestamp literal '${p.value}' (expected e.g. 2024-01-31T12:00:00Z)`, a.pos);
    return constPlan('timestamp', ms);
  }
  throw new Error(`internal: no coercion from ${p.type} to ${t}`);
}

/** The type two types unify to, or null when they do not mix. */
function unifyTypes(x: VType, y: VType): VType | null {
  if (x === y) return x;
  if (x === 'null') return y;
  if (y === 'null') return x;
  if (isNumeric(x) && isNumeric(y)) return isInteger(x) && isInteger(y) ? 'int64' : 'float64';
  return null;
}

/** Unifies values that must share a type; throws `message(a, b)` at the first misfit. */
function unify(args: Arg[], message: (a: VType, b: VType) => string, pos?: number): { type: VType; plans: Plan[] } {
  // String literals next to a timestamp are read as timestamps.
  const hasTs = args.some((a) => a.plan.type === 'timestamp');
  const effective = (a: Arg): VType => (hasTs && a.plan.k === 'const' && a.plan.type === 'utf8' ? 'timestamp' : a.plan.type);
  let type: VType = 'null';
  for (const a of args) {
    const u = unifyTypes(type, effective(a));
    if (u === null) throw new ExprCompileError(message(type, a.plan.type), pos ?? a.pos);
    type = u;
  }
  return { type, plans: args.map((a) => coerceTo(a, type)) };
}

/** Unifies CASE branches, COALESCE/GREATEST arguments, IN lists. `what` names them in errors. */
export function commonType(args: Arg[], what: string): { type: VType; plans: Plan[] } {
  return unify(args, (a, b) => `${what} have incompatible types ${typeLabel(a)} and ${typeLabel(b)}`);
}

/** Checks that `l` and `r` can be compared and coerces literals; `pos` locates the comparison. */
export function comparable(l: Arg, r: Arg, pos: number): { l: Plan; r: Plan; domain: Domain } {
  const msg = `cannot compare ${typeLabel(l.plan.type)} with ${typeLabel(r.plan.type)}`;
  const { type, plans } = unify([l, r], () => msg, pos);
  return { l: plans[0]!, r: plans[1]!, domain: domainOf(type) };
}

function domainOf(t: VType): Domain {
  return t === 'utf8' ? 'str' : t === 'bool' ? 'bool' : 'num';
}

/** Requires a bool (or NULL) operand, e.g. for AND, NOT, WHEN. */
export function expectBool(a: Arg, what: string): Plan {
  if (a.plan.type !== 'bool' && a.plan.type !== 'null') {
    throw new ExprCompileError(`${what} must be bool, got ${typeLabel(a.plan.type)}`, a.pos);
  }
  return retype(a.plan, 'bool');
}
