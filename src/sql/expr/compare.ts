// Comparison kernels. Strings compare byte-wise on UTF-8 (= code point order, like COLLATE "C");
// bools compare as 0/1. Nulls in, null out.

import { andMasks, asNum, type Col, type StrCol } from './col.js';
import type { CmpOp } from './ast.js';
import type { Kernel } from './plan.js';
import { compareBytes, equalBytes } from './utf8.js';

export type Domain = 'num' | 'str' | 'bool';

export function cmpKernel(op: CmpOp, domain: Domain): Kernel {
  return (args, ctx) => {
    const n = ctx.n;
    const out = new Uint8Array(n);
    const [a, b] = args as [Col, Col];
    const valid = andMasks(a.valid, b.valid, n);
    if (domain === 'str') compareStrings(op, a as StrCol, b as StrCol, out, n);
    else compareNumbers(op, numbers(a), numbers(b), out, n);
    return { t: 'bool', v: out, valid };
  };
}

function numbers(c: Col): Float64Array | Uint8Array {
  return c.t === 'bool' ? c.v : asNum(c).v;
}

function compareNumbers(op: CmpOp, x: ArrayLike<number>, y: ArrayLike<number>, out: Uint8Array, n: number): void {
  switch (op) {
    case '=':
      for (let i = 0; i < n; i++) out[i] = x[i] === y[i] ? 1 : 0;
      break;
    case '<>':
      for (let i = 0; i < n; i++) out[i] = x[i] !== y[i] ? 1 : 0;
      break;
    case '<':
      for (let i = 0; i < n; i++) out[i] = x[i]! < y[i]! ? 1 : 0;
      break;
    case '<=':
      for (let i = 0; i < n; i++) out[i] = x[i]! <= y[i]! ? 1 : 0;
      break;
    case '>':
      for (let i = 0; i < n; i++) out[i] = x[i]! > y[i]! ? 1 : 0;
      break;
    case '>=':
      for (let i = 0; i < n; i++) out[i] = x[i]! >= y[i]! ? 1 : 0;
      break;
  }
}

function compareStrings(op: CmpOp, a: StrCol, b: StrCol, out: Uint8Array, n: number): void {
  const ao = a.offsets;
  const bo = b.offsets;
  if (op === '=' || op === '<>') {
    const want = op === '=';
    for (let i = 0; i < n; i++) {
      out[i] = equalBytes(a.bytes, ao[i]!, ao[i + 1]!, b.bytes, bo[i]!, bo[i + 1]!) === want ? 1 : 0;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const c = compareBytes(a.bytes, ao[i]!, ao[i + 1]!, b.bytes, bo[i]!, bo[i + 1]!);
    out[i] = (op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0) ? 1 : 0;
  }
}

/** `x IN (constants)`: set lookup, with SQL's rule that a NULL in the list turns "no match" into NULL. */
export function inSetKernel(values: (number | string | boolean)[], listHasNull: boolean): Kernel {
  const nums = new Set<number>();
  const strs = new Map<number, Uint8Array[]>();
  const enc = new TextEncoder();
  for (const v of values) {
    if (typeof v === 'string') {
      const bytes = enc.encode(v);
      const bucket = strs.get(bytes.length) ?? [];
      bucket.push(bytes);
      strs.set(bytes.length, bucket);
    } else {
      nums.add(typeof v === 'boolean' ? (v ? 1 : 0) : v);
    }
  }
  return (args, ctx) => {
    const n = ctx.n;
    const a = args[0]!;
    const out = new Uint8Array(n);
    if (a.t === 'str') {
      for (let i = 0; i < n; i++) {
        const s = a.offsets[i]!;
        const e = a.offsets[i + 1]!;
        const bucket = strs.get(e - s);
        if (bucket) for (const c of bucket) if (equalBytes(a.bytes, s, e, c, 0, c.length)) out[i] = 1;
      }
    } else {
      const x = numbers(a);
      for (let i = 0; i < n; i++) out[i] = nums.has(x[i]!) ? 1 : 0;
    }
    let valid = a.valid;
    if (listHasNull) {
      const v = new Uint8Array(n);
      for (let i = 0; i < n; i++) v[i] = out[i]! & (a.valid === null ? 1 : a.valid[i]!);
      valid = v;
    }
    return { t: 'bool', v: out, valid };
  };
}
