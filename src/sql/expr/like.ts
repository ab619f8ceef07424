// LIKE / ILIKE. A pattern is compiled once into byte tokens and matched directly against the UTF-8
// bytes of each value: no RegExp, no decoding (except to lower-case non-ASCII text for ILIKE).

import { asStr, andMasks } from './col.js';
import { isActive, type Kernel, type Site } from './plan.js';
import { decode, encode, isAscii, seqLen } from './utf8.js';

export type Matcher = (bytes: Uint8Array, start: number, end: number) => boolean;

const ANY_ONE = -1; // `_`: exactly one character
const ANY_SEQ = -2; // `%`: any run of characters

export class LikePatternError extends Error {}

/**
 * Compiles a LIKE pattern. `escape` is the escape character ('' disables escaping; Postgres'
 * default is backslash). With `caseInsensitive` the pattern is lower-cased and so is the text.
 */
export function compileLike(pattern: string, escape: string, caseInsensitive: boolean): Matcher {
  const tokens: number[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    let ch = chars[i]!;
    if (escape !== '' && ch === escape) {
      if (i + 1 >= chars.length) throw new LikePatternError('LIKE pattern must not end with the escape character');
      ch = chars[++i]!;
    } else if (ch === '%') {
      if (tokens[tokens.length - 1] !== ANY_SEQ) tokens.push(ANY_SEQ);
      continue;
    } else if (ch === '_') {
      tokens.push(ANY_ONE);
      continue;
    }
    for (const b of encode(caseInsensitive ? ch.toLowerCase() : ch)) tokens.push(b);
  }
  const m = fastMatcher(tokens) ?? generalMatcher(Int16Array.from(tokens));
  return caseInsensitive ? lowerCasing(m) : m;
}

/** Exact, prefix, suffix and contains patterns (no `_`, `%` only at the ends). */
function fastMatcher(tokens: number[]): Matcher | null {
  if (tokens.includes(ANY_ONE)) return null;
  const lead = tokens[0] === ANY_SEQ;
  const trail = tokens.length > 1 && tokens[tokens.length - 1] === ANY_SEQ;
  const mid = tokens.slice(lead ? 1 : 0, trail ? tokens.length - 1 : tokens.length);
  if (mid.includes(ANY_SEQ)) return null;
  const lit = Uint8Array.from(mid);
  const L = lit.length;
  const at = (bytes: Uint8Array, p: number): boolean => {
    for (let j = 0; j < L; j++) if (bytes[p + j] !== lit[j]) return false;
    return true;
  };
  if (!lead && !trail) return (b, s, e) => e - s === L && at(b, s);
  if (!lead) return (b, s, e) => e - s >= L && at(b, s);
  if (!trail) return (b, s, e) => e - s >= L && at(b, e - L);
  return (b, s, e) => {
    for (let p = s; p + L <= e; p++) if (at(b, p)) return true;
    return false;
  };
}

/** Wildcard matching with backtracking to the last `%`; `_` consumes one whole code point. */
function generalMatcher(tok: Int16Array): Matcher {
  const m = tok.length;
  return (text, start, end) => {
    let ti = start;
    let pi = 0;
    let starP = -1;
    let starT = 0;
    while (ti < end) {
      const t = pi < m ? tok[pi]! : 0;
      if (pi < m && t === ANY_ONE) {
        ti += seqLen(text[ti]!);
        pi++;
      } else if (pi < m && t === ANY_SEQ) {
        starP = pi++;
        starT = ti;
      } else if (pi < m && t === text[ti]) {
        ti++;
        pi++;
      } else if (starP >= 0) {
        pi = starP + 1;
        starT += seqLen(text[starT]!);
        ti = starT;
      } else {
        return false;
      }
    }
    if (ti > end) return false; // a `_` ran past a truncated sequence
    while (pi < m && tok[pi] === ANY_SEQ) pi++;
    return pi === m;
  };
}

/** Wraps a matcher to see lower-cased text (ASCII in place, the rest via String#toLowerCase). */
function lowerCasing(m: Matcher): Matcher {
  let scratch = new Uint8Array(64);
  return (bytes, start, end) => {
    if (isAscii(bytes, start, end)) {
      const len = end - start;
      if (scratch.length < len) scratch = new Uint8Array(len * 2);
      for (let i = 0; i < len; i++) {
        const b = bytes[start + i]!;
        scratch[i] = b >= 65 && b <= 90 ? b + 32 : b;
      }
      return m(scratch, 0, len);
    }
    const lowered = encode(decode(bytes, start, end).toLowerCase());
    return m(lowered, 0, lowered.length);
  };
}

/**
 * The LIKE kernel. With a constant pattern the matcher is compiled once; otherwise per distinct
 * pattern value (cached), and a bad pattern fails the row.
 */
export function likeKernel(constMatcher: Matcher | null, escape: string, caseInsensitive: boolean, negated: boolean, site: Site): Kernel {
  const cache = new Map<string, Matcher>();
  return (args, ctx) => {
    const n = ctx.n;
    const a = asStr(args[0]!);
    const out = new Uint8Array(n);
    const flip = negated ? 1 : 0;
    if (constMatcher) {
      for (let i = 0; i < n; i++) out[i] = (constMatcher(a.bytes, a.offsets[i]!, a.offsets[i + 1]!) ? 1 : 0) ^ flip;
      return { t: 'bool', v: out, valid: a.valid };
    }
    const p = asStr(args[1]!);
    const valid = andMasks(a.valid, p.valid, n);
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const pattern = decode(p.bytes, p.offsets[i]!, p.offsets[i + 1]!);
      let m = cache.get(pattern);
      if (!m) {
        try {
          m = compileLike(pattern, escape, caseInsensitive);
        } catch (err) {
          if (!isActive(ctx, i)) continue;
          return ctx.fail(site, (err as Error).message);
        }
        if (cache.size > 256) cache.clear();
        cache.set(pattern, m);
      }
      out[i] = (m(a.bytes, a.offsets[i]!, a.offsets[i + 1]!) ? 1 : 0) ^ flip;
    }
    return { t: 'bool', v: out, valid };
  };
}
