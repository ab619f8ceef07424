// String function kernels, working on UTF-8 bytes where they can (ASCII fast paths) and decoding
// single values only when Unicode rules are needed (case mapping of non-ASCII text).

import { allValid, asNum, asStr, type StrCol } from './col.js';
import { isActive, type Kernel, type Site } from './plan.js';
import { StrBuilder, charCount, decode, equalBytes, isAscii, seqLen } from './utf8.js';

function caseMap(upper: boolean): Kernel {
  const [from, to, delta] = upper ? [97, 122, -32] : [65, 90, 32];
  return (args, ctx) => {
    const a = asStr(args[0]!);
    const b = new StrBuilder(ctx.n, a.bytes.length);
    for (let i = 0; i < ctx.n; i++) {
      const s = a.offsets[i]!;
      const e = a.offsets[i + 1]!;
      if (isAscii(a.bytes, s, e)) {
        for (let p = s; p < e; p++) {
          const c = a.bytes[p]!;
          b.pushByte(c >= from && c <= to ? c + delta : c);
        }
      } else {
        const str = decode(a.bytes, s, e);
        b.pushString(upper ? str.toUpperCase() : str.toLowerCase());
      }
      b.endRow();
    }
    return b.finish(a.valid);
  };
}
export const lowerKernel = caseMap(false);
export const upperKernel = caseMap(true);

/** Length in characters (code points), like Postgres char_length. */
export const lengthKernel: Kernel = (args, ctx) => {
  const a = asStr(args[0]!);
  const out = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) out[i] = charCount(a.bytes, a.offsets[i]!, a.offsets[i + 1]!);
  return { t: 'num', v: out, valid: a.valid };
};

/** Byte position after skipping `count` code points from `p` (clamped to `end`). */
function skipChars(bytes: Uint8Array, p: number, end: number, count: number): number {
  while (count > 0 && p < end) {
    p += seqLen(bytes[p]!);
    count--;
  }
  return p < end ? p : end;
}

/** substr(s, start[, len]) with Postgres semantics: 1-based, positions before 1 count but yield nothing. */
export function substrKernel(site: Site): Kernel {
  return (args, ctx) => {
    const a = asStr(args[0]!);
    const start = asNum(args[1]!).v;
    const len = args[2] ? asNum(args[2]).v : null;
    const valid = allValid(args, ctx.n);
    const b = new StrBuilder(ctx.n, a.bytes.length);
    for (let i = 0; i < ctx.n; i++) {
      if (valid === null || valid[i] === 1) {
        const from = start[i]!;
        if (len !== null && len[i]! < 0 && isActive(ctx, i)) ctx.fail(site, 'negative substring length not allowed');
        const to = len === null ? Infinity : from + len[i]!; // exclusive, in 1-based positions
        const first = Math.max(from, 1);
        if (to > first) {
          const s = a.offsets[i]!;
          const e = a.offsets[i + 1]!;
          const bs = skipChars(a.bytes, s, e, first - 1);
          const be = to === Infinity ? e : skipChars(a.bytes, bs, e, to - first);
          b.pushBytes(a.bytes, bs, be);
        }
      }
      b.endRow();
    }
    return b.finish(valid);
  };
}

/** concat(...) treats NULL as empty and is never NULL; `a || b` is NULL if either side is. */
export function concatKernel(strict: boolean): Kernel {
  return (args, ctx) => {
    const cols = args.map(asStr);
    const valid = strict ? allValid(cols, ctx.n) : null;
    let hint = 0;
    for (const c of cols) hint += c.bytes.length;
    const b = new StrBuilder(ctx.n, hint);
    for (let i = 0; i < ctx.n; i++) {
      if (valid === null || valid[i] === 1) {
        for (const c of cols) {
          if (c.valid === null || c.valid[i] === 1) b.pushBytes(c.bytes, c.offsets[i]!, c.offsets[i + 1]!);
        }
      }
      b.endRow();
    }
    return b.finish(valid);
  };
}

/** trim/ltrim/rtrim/btrim(s[, characters]); the default set is a single space, as in Postgres. */
export function trimKernel(left: boolean, right: boolean): Kernel {
  return (args, ctx) => {
    const a = asStr(args[0]!);
    const chars: StrCol | null = args[1] ? asStr(args[1]) : null;
    const valid = allValid(args, ctx.n);
    const b = new StrBuilder(ctx.n, a.bytes.length);
    let lastSet = ' ';
    let set = charSet(lastSet);
    for (let i = 0; i < ctx.n; i++) {
      if (valid === null || valid[i] === 1) {
        if (chars) {
          const cs = decode(chars.bytes, chars.offsets[i]!, chars.offsets[i + 1]!);
          if (cs !== lastSet) set = charSet((lastSet = cs));
        }
        let s = a.offsets[i]!;
        let e = a.offsets[i + 1]!;
        if (set.ascii) {
          // Bytes >= 0x80 never match an ASCII set, so byte-wise trimming is safe.
          if (left) while (s < e && set.bytes.has(a.bytes[s]!)) s++;
          if (right) while (e > s && set.bytes.has(a.bytes[e - 1]!)) e--;
          b.pushBytes(a.bytes, s, e);
        } else {
          const cps = Array.from(decode(a.bytes, s, e));
          let x = 0;
          let y = cps.length;
          if (left) while (x < y && set.chars.has(cps[x]!)) x++;
          if (right) while (y > x && set.chars.has(cps[y - 1]!)) y--;
          b.pushString(cps.slice(x, y).join(''));
        }
      }
      b.endRow();
    }
    return b.finish(valid);
  };
}

function charSet(s: string): { ascii: boolean; bytes: Set<number>; chars: Set<string> } {
  const chars = new Set(Array.from(s));
  const ascii = [...chars].every((c) => c.charCodeAt(0) < 0x80);
  return { ascii, bytes: new Set([...chars].map((c) => c.charCodeAt(0))), chars };
}

/** replace(s, from, to): every non-overlapping occurrence, left to right, matched on bytes. */
export const replaceKernel: Kernel = (args, ctx) => {
  const [a, f, t] = args.map(asStr) as [StrCol, StrCol, StrCol];
  const valid = allValid(args, ctx.n);
  const b = new StrBuilder(ctx.n, a.bytes.length);
  for (let i = 0; i < ctx.n; i++) {
    if (valid === null || valid[i] === 1) {
      const s = a.offsets[i]!;
      const e = a.offsets[i + 1]!;
      const fs = f.offsets[i]!;
      const fe = f.offsets[i + 1]!;
      const fl = fe - fs;
      let p = s;
      let copied = s;
      while (fl > 0 && p + fl <= e) {
        if (equalBytes(a.bytes, p, p + fl, f.bytes, fs, fe)) {
          b.pushBytes(a.bytes, copied, p);
          b.pushBytes(t.bytes, t.offsets[i]!, t.offsets[i + 1]!);
          p += fl;
          copied = p;
        } else {
          p++;
        }
      }
      b.pushBytes(a.bytes, copied, e);
    }
    b.endRow();
  }
  return b.finish(valid);
};
