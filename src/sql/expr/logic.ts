// NOT and the IS predicates. AND/OR live in eval.ts because they steer which rows get evaluated.

import { asBool } from './col.js';
import type { Kernel } from './plan.js';

export const notKernel: Kernel = (args, ctx) => {
  const a = asBool(args[0]!);
  const out = new Uint8Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) out[i] = a.v[i]! ^ 1;
  return { t: 'bool', v: out, valid: a.valid };
};

/** `x IS [NOT] NULL`: never null itself. */
export function isNullKernel(negated: boolean): Kernel {
  return (args, ctx) => {
    const valid = args[0]!.valid;
    const out = new Uint8Array(ctx.n);
    const hit = negated ? 1 : 0;
    if (valid === null) out.fill(hit);
    else for (let i = 0; i < ctx.n; i++) out[i] = valid[i] === hit ? 1 : 0;
    return { t: 'bool', v: out, valid: null };
  };
}

/** `b IS [NOT] TRUE|FALSE|UNKNOWN`: never null itself. */
export function isTruthKernel(what: 'true' | 'false' | 'unknown', negated: boolean): Kernel {
  return (args, ctx) => {
    const a = asBool(args[0]!);
    const out = new Uint8Array(ctx.n);
    const flip = negated ? 1 : 0;
    for (let i = 0; i < ctx.n; i++) {
      const valid = a.valid === null || a.valid[i] === 1;
      const hit = what === 'unknown' ? !valid : valid && a.v[i] === (what === 'true' ? 1 : 0);
      out[i] = (hit ? 1 : 0) ^ flip;
    }
    return { t: 'bool', v: out, valid: null };
  };
}
