// Numeric helper functions and GREATEST/LEAST.

import type { Col } from './col.js';
import type { Kernel } from './plan.js';
import { StrBuilder, compareBytes } from './utf8.js';

/** Half away from zero, like DataFusion's round (Math.round rounds -2.5 to -2). */
export function roundHalfAway(x: number): number {
  const r = Math.round(Math.abs(x));
  return x < 0 ? -r : r;
}

export function roundDigits(x: number, digits: number): number {
  const d = Math.trunc(digits);
  if (d === 0) return roundHalfAway(x);
  const scale = 10 ** Math.abs(d);
  return d > 0 ? roundHalfAway(x * scale) / scale : roundHalfAway(x / scale) * scale;
}

/** GREATEST/LEAST ignore NULLs and are NULL only when every argument is. */
export function extremumKernel(greatest: boolean): Kernel {
  return (args, ctx) => {
    const n = ctx.n;
    // best[i]: index of the winning argument for row i, -1 while every argument seen was null
    const best = new Int16Array(n).fill(-1);
    const better = greatest ? 1 : -1;
    args.forEach((c, k) => {
      for (let i = 0; i < n; i++) {
        if (c.valid !== null && c.valid[i] === 0) continue;
        const cur = best[i]!;
        if (cur < 0 || Math.sign(compareAt(c, args[cur]!, i)) === better) best[i] = k;
      }
    });
    const valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = best[i]! >= 0 ? 1 : 0;
    const first = args[0]!;
    if (first.t === 'str') {
      const b = new StrBuilder(n);
      for (let i = 0; i < n; i++) {
        const c = args[best[i]!];
        if (c && c.t === 'str') b.pushBytes(c.bytes, c.offsets[i]!, c.offsets[i + 1]!);
        b.endRow();
      }
      return b.finish(valid);
    }
    const v = first.t === 'num' ? new Float64Array(n) : new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = args[best[i]!];
      if (c && c.t !== 'str') v[i] = c.v[i]!;
    }
    return first.t === 'num' ? { t: 'num', v: v as Float64Array, valid } : { t: 'bool', v: v as Uint8Array, valid };
  };
}

function compareAt(a: Col, b: Col, i: number): number {
  if (a.t === 'str' && b.t === 'str') {
    return compareBytes(a.bytes, a.offsets[i]!, a.offsets[i + 1]!, b.bytes, b.offsets[i]!, b.offsets[i + 1]!);
  }
  if (a.t !== 'str' && b.t !== 'str') return a.v[i]! - b.v[i]!;
  throw new Error('internal: GREATEST/LEAST over mixed kinds');
}
