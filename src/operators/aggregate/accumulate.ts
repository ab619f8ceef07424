// Per-batch update kernels. For each aggregate the operator gathers the batch's groups' running
// (value, count) into two Float64Arrays indexed by group id, runs one of these loops over the
// rows, and scatters the results back: tight loops over typed arrays, rows visited in order (so a
// float sum adds up exactly as a row-at-a-time reference would).
//
// `valid` is an Arrow validity bitmap (null: no nulls) with row i at bit `off + i`. Nulls are
// skipped by everything but count(*). min/max order NaN above every number (as Postgres does).

import { compareBytes } from '../../sql/expr/utf8.js';

/** count(*): every row. */
export function countRows(gid: Int32Array, counts: Float64Array): void {
  for (let i = 0; i < gid.length; i++) counts[gid[i]!]!++;
}

/** count(expr): the non-null rows. */
export function countValid(gid: Int32Array, valid: Uint8Array | null, off: number, counts: Float64Array): void {
  if (!valid) return countRows(gid, counts);
  for (let i = 0; i < gid.length; i++) {
    if ((valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) counts[gid[i]!]!++;
  }
}

/** sum and avg: running sum and count of non-null values. */
export function sumValues(gid: Int32Array, x: Float64Array, valid: Uint8Array | null, off: number, sums: Float64Array, counts: Float64Array): void {
  if (!valid) {
    for (let i = 0; i < gid.length; i++) {
      const g = gid[i]!;
      sums[g] += x[i]!;
      counts[g]!++;
    }
    return;
  }
  for (let i = 0; i < gid.length; i++) {
    if (((valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 0) continue;
    const g = gid[i]!;
    sums[g] += x[i]!;
    counts[g]!++;
  }
}

/** min: a group's value is meaningful only once its count is above 0. */
export function minValues(gid: Int32Array, x: Float64Array, valid: Uint8Array | null, off: number, best: Float64Array, counts: Float64Array): void {
  for (let i = 0; i < gid.length; i++) {
    if (valid && ((valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 0) continue;
    const g = gid[i]!;
    const v = x[i]!;
    const cur = best[g]!;
    // A NaN so far gives way to anything: NaN stays only when every value is NaN.
    if (counts[g] === 0 || v < cur || cur !== cur) best[g] = v;
    counts[g]!++;
  }
}

export function maxValues(gid: Int32Array, x: Float64Array, valid: Uint8Array | null, off: number, best: Float64Array, counts: Float64Array): void {
  for (let i = 0; i < gid.length; i++) {
    if (valid && ((valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 0) continue;
    const g = gid[i]!;
    const v = x[i]!;
    if (counts[g] === 0 || v > best[g]! || v !== v) best[g] = v;
    counts[g]!++;
  }
}

/**
 * min/max of text (UTF-8 byte order, i.e. code point order): finds each group's best row of the
 * batch by comparing bytes in place, then merges it with the group's running value, copying the
 * bytes only when they win. `running[g]` is read and replaced.
 */
export function textMinMax(
  gid: Int32Array,
  groups: number,
  offsets: Int32Array,
  bytes: Uint8Array,
  valid: Uint8Array | null,
  off: number,
  isMax: boolean,
  running: (Uint8Array | null)[],
  counts: Float64Array,
): void {
  const sign = isMax ? -1 : 1;
  const bestRow = new Int32Array(groups).fill(-1);
  for (let i = 0; i < gid.length; i++) {
    if (valid && ((valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 0) continue;
    const g = gid[i]!;
    const b = bestRow[g]!;
    if (b < 0 || sign * compareBytes(bytes, offsets[i]!, offsets[i + 1]!, bytes, offsets[b]!, offsets[b + 1]!) < 0) bestRow[g] = i;
    counts[g]!++;
  }
  for (let g = 0; g < groups; g++) {
    const b = bestRow[g]!;
    if (b < 0) continue;
    const cur = running[g];
    const start = offsets[b]!;
    const end = offsets[b + 1]!;
    if (!cur || sign * compareBytes(bytes, start, end, cur, 0, cur.length) < 0) running[g] = bytes.slice(start, end);
  }
}

// Weighted variants for a changelog input (an updating table): row i counts w[i] times, +1 for an
// `append` row and -1 for a `retract`, so a retraction takes back exactly what its append added.

/** count(*) of a changelog. */
export function countRowsWeighted(gid: Int32Array, w: Float64Array, counts: Float64Array): void {
  for (let i = 0; i < gid.length; i++) counts[gid[i]!] += w[i]!;
}

/** count(expr) of a changelog. */
export function countValidWeighted(gid: Int32Array, w: Float64Array, valid: Uint8Array | null, off: number, counts: Float64Array): void {
  if (!valid) return countRowsWeighted(gid, w, counts);
  for (let i = 0; i < gid.length; i++) {
    if ((valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) counts[gid[i]!] += w[i]!;
  }
}

/** sum and avg of a changelog. */
export function sumValuesWeighted(gid: Int32Array, w: Float64Array, x: Float64Array, valid: Uint8Array | null, off: number, sums: Float64Array, counts: Float64Array): void {
  for (let i = 0; i < gid.length; i++) {
    if (valid && ((valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 0) continue;
    const g = gid[i]!;
    sums[g] += w[i]! * x[i]!;
    counts[g] += w[i]!;
  }
}
