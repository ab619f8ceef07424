// Arithmetic kernels on numeric columns (ints, floats and timestamps are all Float64Array here).
// Integer `/` truncates toward zero like DataFusion; `%` keeps the dividend's sign like SQL.

import { type NumCol, andMasks, asNum } from './col.js';
import type { ArithOp } from './ast.js';
import { isActive, type Ctx, type Kernel, type Site } from './plan.js';

export function arithKernel(op: ArithOp, integer: boolean, site: Site): Kernel {
  return (args, ctx) => {
    const a = asNum(args[0]!);
    const b = asNum(args[1]!);
    const n = ctx.n;
    const valid = andMasks(a.valid, b.valid, n);
    const x = a.v;
    const y = b.v;
    const out = new Float64Array(n);
    switch (op) {
      case '+':
        for (let i = 0; i < n; i++) out[i] = x[i]! + y[i]!;
        break;
      case '-':
        for (let i = 0; i < n; i++) out[i] = x[i]! - y[i]!;
        break;
      case '*':
        for (let i = 0; i < n; i++) out[i] = x[i]! * y[i]!;
        break;
      case '/':
        checkDivisors(b, valid, ctx, site);
        if (integer) for (let i = 0; i < n; i++) out[i] = Math.trunc(x[i]! / y[i]!);
        else for (let i = 0; i < n; i++) out[i] = x[i]! / y[i]!;
        break;
      case '%':
        checkDivisors(b, valid, ctx, site);
        for (let i = 0; i < n; i++) out[i] = x[i]! % y[i]!;
        break;
    }
    // Zero divisors in null or unreached rows produced NaN/Infinity; those rows are ignored.
    return { t: 'num', v: out, valid };
  };
}

function checkDivisors(b: NumCol, valid: Uint8Array | null, ctx: Ctx, site: Site): void {
  const y = b.v;
  for (let i = 0; i < ctx.n; i++) {
    if (y[i] === 0 && (valid === null || valid[i] === 1) && isActive(ctx, i)) ctx.fail(site, 'division by zero');
  }
}

export const negateKernel: Kernel = (args, ctx) => {
  const a = asNum(args[0]!);
  const out = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) out[i] = -a.v[i]!;
  return { t: 'num', v: out, valid: a.valid };
};

/** Applies a unary Math function element-wise (abs, floor, sqrt, ...). */
export function mapKernel(f: (x: number) => number): Kernel {
  return (args, ctx) => {
    const a = asNum(args[0]!);
    const out = new Float64Array(ctx.n);
    const v = a.v;
    for (let i = 0; i < ctx.n; i++) out[i] = f(v[i]!);
    return { t: 'num', v: out, valid: a.valid };
  };
}

/** Applies a binary numeric function element-wise (power, round with digits). */
export function map2Kernel(f: (x: number, y: number) => number): Kernel {
  return (args, ctx) => {
    const a = asNum(args[0]!);
    const b = asNum(args[1]!);
    const out = new Float64Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) out[i] = f(a.v[i]!, b.v[i]!);
    return { t: 'num', v: out, valid: andMasks(a.valid, b.valid, ctx.n) };
  };
}
