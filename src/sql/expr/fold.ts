// Building plan nodes with NULL propagation and constant folding: a node whose inputs are all
// constants is evaluated once at compile time. Errors while folding (e.g. `1 / 0`) are compile
// errors, as in Postgres, which also folds constants before running a query.

import { ExprCompileError } from './ast.js';
import { evaluatePlan, valueAt } from './eval.js';
import { constPlan, type Kernel, type Plan, type Site, type VType } from './plan.js';

export interface ApplyOptions {
  /** Strict functions return NULL when any argument is NULL (default true). */
  strict?: boolean;
  /** Result nullability for non-strict functions. */
  nullable?: boolean;
  /** Depends on more than its arguments (now()): never folded. */
  volatile?: boolean;
}

export function apply(fn: Kernel, args: Plan[], type: VType, opts: ApplyOptions = {}): Plan {
  const strict = opts.strict ?? true;
  if (strict && args.some((a) => a.k === 'const' && a.value === null)) return constPlan(type, null);
  const nullable = strict ? args.some((a) => a.nullable) : (opts.nullable ?? true);
  if (opts.volatile) return { k: 'apply', fn, args, type, nullable, volatile: true };
  return foldConstants({ k: 'apply', fn, args, type, nullable });
}

function children(p: Plan): Plan[] {
  switch (p.k) {
    case 'apply':
      return p.args;
    case 'and':
    case 'or':
      return [p.left, p.right];
    case 'case':
      return p.whens.flatMap((w) => [w.cond, w.then]).concat(p.otherwise ? [p.otherwise] : []);
    default:
      return [];
  }
}

/** Replaces `p` by its value when every input is a constant. */
export function foldConstants(p: Plan): Plan {
  if (p.k === 'const' || p.k === 'col' || p.type === 'null' || (p.k === 'apply' && p.volatile)) return p;
  if (!children(p).every((c) => c.k === 'const')) return p;
  const col = evaluatePlan(p, 1, () => {
    throw new Error('internal: column read while folding constants');
  }, failAtCompileTime);
  return constPlan(p.type, valueAt(col, 0));
}

function failAtCompileTime(site: Site, message: string): never {
  throw new ExprCompileError(`${message} in "${site.src}"`, site.pos);
}
