// Gathering rows from several column chunks of one type into one new column: the kernel behind
// a join's output (each side's rows come from many stored batches, in match order) and its
// snapshots. A row index of −1 gives a null: the missing side of an outer join's unmatched row.
//
// Arrow JS conventions as in src/dataflow/arrow/data.ts: fixed-width values are already sliced,
// bitmaps (validity, Bool values) are not (row i is bit offset + i), Utf8 offsets are sliced.

import type * as arrow from 'apache-arrow';
import { bitmapBytes, getBit } from '../../dataflow/arrow/bits.js';
import { allocFixed, fixedData, layoutOf, utf8Data, validityOf, words } from '../../dataflow/arrow/data.js';

/**
 * Output row i is row `row[i]` of `parts[part[i]]` (of `parts[0]` when `part` is null), or null
 * when `row[i]` is −1. Indices must be in range; callers build them from the parts.
 */
export function gather(type: arrow.DataType, parts: readonly arrow.Data[], part: Int32Array | null, row: Int32Array): arrow.Data {
  const n = row.length;
  const valid = parts.map(validityOf);
  const bitmap = new Uint8Array(bitmapBytes(n));
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const r = row[i]!;
    if (r < 0) {
      nulls++;
      continue;
    }
    const p = part ? part[i]! : 0;
    const v = valid[p];
    if (v && !getBit(v, parts[p]!.offset + r)) nulls++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  switch (layoutOf(type)) {
    case 'w32': {
      const src = parts.map((d) => d.values as Int32Array);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const r = row[i]!;
        if (r >= 0) out[i] = src[part ? part[i]! : 0]![r]!;
      }
      return fixedData(type, n, out, bitmap, nulls);
    }
    case 'w64': {
      const src = parts.map((d) => words(d.values as never));
      const values = allocFixed(type, n);
      const out = words(values);
      for (let i = 0; i < n; i++) {
        const r = row[i]!;
        if (r < 0) continue;
        const s = src[part ? part[i]! : 0]!;
        out[2 * i] = s[2 * r]!;
        out[2 * i + 1] = s[2 * r + 1]!;
      }
      return fixedData(type, n, values, bitmap, nulls);
    }
    case 'bit': {
      const out = new Uint8Array(bitmapBytes(n));
      for (let i = 0; i < n; i++) {
        const r = row[i]!;
        if (r < 0) continue;
        const d = parts[part ? part[i]! : 0]!;
        if (getBit(d.values as Uint8Array, d.offset + r)) out[i >> 3]! |= 1 << (i & 7);
      }
      return fixedData(type, n, out, bitmap, nulls);
    }
    case 'utf8':
      return gatherUtf8(parts, part, row, bitmap, nulls);
  }
}

function gatherUtf8(parts: readonly arrow.Data[], part: Int32Array | null, row: Int32Array, bitmap: Uint8Array, nulls: number): arrow.Data {
  const n = row.length;
  const offs = parts.map((d) => d.valueOffsets as Int32Array);
  const bytes = parts.map((d) => d.values as Uint8Array);
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = row[i]!;
    if (r >= 0) {
      const o = offs[part ? part[i]! : 0]!;
      total += o[r + 1]! - o[r]!;
    }
    offsets[i + 1] = total;
  }
  const out = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    const r = row[i]!;
    if (r < 0) continue;
    const p = part ? part[i]! : 0;
    const o = offs[p]!;
    const start = o[r]!;
    const len = o[r + 1]! - start;
    const src = bytes[p]!;
    const at = offsets[i]!;
    // set() has a fixed cost that only pays off for longer strings.
    if (len > 32) out.set(src.subarray(start, start + len), at);
    else for (let k = 0; k < len; k++) out[at + k] = src[start + k]!;
  }
  return utf8Data(n, offsets, out, bitmap, nulls);
}
