// CAST between the six column types. Text input is parsed strictly (like Postgres): a value that
// does not parse fails the job instead of silently becoming NULL. Float -> integer truncates
// toward zero (DataFusion/Arrow semantics) and is range-checked.

import { formatTimestamp, parseTimestamp } from '../../dataflow/arrow/index.js';
import type { FieldType } from '../../types.js';
import { isActive, isNumeric, type Kernel, type Site } from './plan.js';
import { StrBuilder, decode } from './utf8.js';

/** Whether CAST(from AS to) is allowed at all. */
export function canCast(from: FieldType, to: FieldType): boolean {
  if (from === to || from === 'utf8' || to === 'utf8') return true;
  if (isNumeric(from) && isNumeric(to)) return true;
  if (from === 'timestamp') return to === 'int64' || to === 'int32' || to === 'float64';
  if (to === 'timestamp') return isNumeric(from);
  if (to === 'bool') return from === 'int32' || from === 'int64';
  if (from === 'bool') return to === 'int32' || to === 'int64';
  return false;
}

const TYPE_LABEL: Record<FieldType, string> = {
  int32: 'INT', int64: 'BIGINT', float64: 'DOUBLE', utf8: 'TEXT', bool: 'BOOLEAN', timestamp: 'TIMESTAMP',
};

type Result = number | string | boolean;
/** Converts one non-null value, or returns an error message. */
type Conv = (x: number | string) => Result | { error: string };

export function castKernel(from: FieldType, to: FieldType, site: Site): Kernel {
  if (isNumLike(from) && isNumLike(to)) return numericCast(from, to, site);
  const conv = converter(from, to);
  return (args, ctx) => {
    const a = args[0]!;
    const n = ctx.n;
    const read: (i: number) => number | string =
      a.t === 'str' ? (i) => decode(a.bytes, a.offsets[i]!, a.offsets[i + 1]!) : (i) => a.v[i]!;
    const valid = a.valid === null ? new Uint8Array(n).fill(1) : a.valid.slice();
    /** Converted value of row i, or undefined for NULL (and for failures in unreached rows). */
    const row = (i: number): Result | undefined => {
      if (valid[i] === 0) return undefined;
      const r = conv(read(i));
      if (typeof r !== 'object') return r;
      if (isActive(ctx, i)) ctx.fail(site, r.error);
      valid[i] = 0;
      return undefined;
    };
    if (to === 'utf8') {
      const b = new StrBuilder(n);
      for (let i = 0; i < n; i++) {
        const r = row(i);
        if (r !== undefined) b.pushString(r as string);
        b.endRow();
      }
      return b.finish(valid);
    }
    if (to === 'bool') {
      const v = new Uint8Array(n);
      for (let i = 0; i < n; i++) v[i] = row(i) === true ? 1 : 0;
      return { t: 'bool', v, valid };
    }
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = row(i);
      if (r !== undefined) v[i] = r as number;
    }
    return { t: 'num', v, valid };
  };
}

const isNumLike = (t: FieldType): boolean => isNumeric(t) || t === 'timestamp';

/** Numeric casts share the Float64Array representation: only narrowing needs a pass. */
function numericCast(from: FieldType, to: FieldType, site: Site): Kernel {
  const widening = to === 'float64' || (from !== 'float64' && to !== 'int32') || from === to;
  if (widening) return (args) => args[0]!;
  const label = TYPE_LABEL[to];
  return (args, ctx) => {
    const a = args[0]!;
    if (a.t !== 'num') throw new Error('internal: numeric cast of a non-numeric column');
    const out = new Float64Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      if (a.valid !== null && a.valid[i] === 0) continue;
      const r = toInteger(Math.trunc(a.v[i]!), to, label);
      if (typeof r === 'number') out[i] = r;
      else if (isActive(ctx, i)) ctx.fail(site, r.error);
    }
    return { t: 'num', v: out, valid: a.valid };
  };
}

function converter(from: FieldType, to: FieldType): Conv {
  const label = TYPE_LABEL[to];
  if (from === 'utf8') {
    if (to === 'utf8') return (x) => x;
    if (to === 'bool') return (x) => parseBool(x as string) ?? { error: `invalid input for ${label}: ${quote(x)}` };
    if (to === 'timestamp') return (x) => parseTimestampText(x as string) ?? { error: `invalid input for ${label}: ${quote(x)}` };
    if (to === 'float64') return (x) => parseFloatStrict(x as string) ?? { error: `invalid input for ${label}: ${quote(x)}` };
    return (x) => {
      const s = (x as string).trim();
      if (!/^[+-]?\d+$/.test(s)) return { error: `invalid input for ${label}: ${quote(x)}` };
      return toInteger(Number(s), to, label);
    };
  }
  if (to === 'utf8') {
    if (from === 'bool') return (x) => (x === 1 ? 'true' : 'false');
    if (from === 'timestamp') return (x) => formatTimestamp(x as number);
    return (x) => String(x);
  }
  if (to === 'bool') return (x) => x !== 0;
  if (from === 'bool') return (x) => x;
  if (to === 'float64') return (x) => x;
  return (x) => toInteger(Math.trunc(x as number), to, label);
}

function toInteger(x: number, to: FieldType, label: string): number | { error: string } {
  const [lo, hi] = to === 'int32' ? [-2147483648, 2147483647] : [-9223372036854775808, 9223372036854775807];
  if (!Number.isFinite(x) || x < lo || x > hi) return { error: `value ${String(x)} is out of range for ${label}` };
  return x;
}

function quote(x: number | string): string {
  return typeof x === 'string' ? `"${x.length > 64 ? `${x.slice(0, 64)}...` : x}"` : String(x);
}

function parseBool(s: string): boolean | null {
  const t = s.trim().toLowerCase();
  if (t === 't' || t === 'true' || t === 'y' || t === 'yes' || t === 'on' || t === '1') return true;
  if (t === 'f' || t === 'false' || t === 'n' || t === 'no' || t === 'off' || t === '0') return false;
  return null;
}

function parseFloatStrict(s: string): number | null {
  const t = s.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  const special = t.toLowerCase().replace(/^\+/, '');
  if (special === 'nan') return NaN;
  if (special === 'infinity' || special === 'inf') return Infinity;
  if (special === '-infinity' || special === '-inf') return -Infinity;
  return null;
}

/** Timestamp text as JSON input accepts it (RFC 3339 / ISO 8601, no offset = UTC), or null. */
export function parseTimestampText(s: string): number | null {
  const ms = parseTimestamp(s.trim());
  return Number.isNaN(ms) ? null : ms;
}
