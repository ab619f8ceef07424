// The engine's internal column representation. Every numeric-like type (int32, int64, float64,
// timestamp) is a Float64Array while evaluating: integer math is exact up to 2^53, and one array
// type keeps the kernels monomorphic. Bools are one byte per row; strings stay UTF-8 bytes.

/** One byte per row, 1 = set. Used for validity (1 = not null) and row selections. */
export type Mask = Uint8Array;

export interface NumCol {
  t: 'num';
  v: Float64Array;
  /** null means every row is valid. */
  valid: Mask | null;
}
export interface BoolCol {
  t: 'bool';
  /** 0/1 per row; unspecified where invalid. */
  v: Uint8Array;
  valid: Mask | null;
}
export interface StrCol {
  t: 'str';
  /** n + 1 entries, absolute positions into `bytes` (need not start at 0). */
  offsets: Int32Array;
  bytes: Uint8Array;
  valid: Mask | null;
}
export type Col = NumCol | BoolCol | StrCol;

/** Rows valid in both masks. */
export function andMasks(a: Mask | null, b: Mask | null, n: number): Mask | null {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! & b[i]!;
  return out;
}

/** Rows valid in every column (strict SQL functions: any null in, null out). */
export function allValid(cols: readonly Col[], n: number): Mask | null {
  let m: Mask | null = null;
  for (const c of cols) m = andMasks(m, c.valid, n);
  return m;
}

export function countSet(m: Mask, n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) c += m[i]!;
  return c;
}

export function allNull(n: number): Mask {
  return new Uint8Array(n);
}

export function num(v: Float64Array, valid: Mask | null): NumCol {
  return { t: 'num', v, valid };
}
export function bool(v: Uint8Array, valid: Mask | null): BoolCol {
  return { t: 'bool', v, valid };
}

export function asNum(c: Col): NumCol {
  if (c.t !== 'num') throw new Error(`internal: expected a numeric column, got ${c.t}`);
  return c;
}
export function asBool(c: Col): BoolCol {
  if (c.t !== 'bool') throw new Error(`internal: expected a bool column, got ${c.t}`);
  return c;
}
export function asStr(c: Col): StrCol {
  if (c.t !== 'str') throw new Error(`internal: expected a string column, got ${c.t}`);
  return c;
}
