// Gathering rows of column data by index: the kernel behind filter, take and partitioning.
// Indices must be in range; callers check.

import type * as arrow from 'apache-arrow';
import { bitmapBytes, getBit } from './bits.js';
import { allocFixed, fixedData, layoutOf, utf8Data, validityOf, words } from './data.js';

type Indices = Int32Array | Uint32Array;

export function takeData(data: arrow.Data, indices: Indices): arrow.Data {
  const n = indices.length;
  const { type, offset } = data;
  let bitmap: Uint8Array | null = null;
  let nullCount = 0;
  const validity = validityOf(data);
  if (validity) {
    bitmap = new Uint8Array(bitmapBytes(n));
    for (let i = 0; i < n; i++) {
      if (getBit(validity, offset + indices[i]!)) bitmap[i >> 3] |= 1 << (i & 7);
      else nullCount++;
    }
  }
  switch (layoutOf(type)) {
    case 'w32': {
      const src = data.values as Int32Array;
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = src[indices[i]!]!;
      return fixedData(type, n, out, bitmap, nullCount);
    }
    case 'w64': {
      const src = words(data.values as never);
      const values = allocFixed(type, n);
      const out = words(values);
      for (let i = 0; i < n; i++) {
        const j = indices[i]! << 1;
        out[i << 1] = src[j]!;
        out[(i << 1) + 1] = src[j + 1]!;
      }
      return fixedData(type, n, values, bitmap, nullCount);
    }
    case 'bit': {
      const src = data.values as Uint8Array;
      const out = new Uint8Array(bitmapBytes(n));
      for (let i = 0; i < n; i++) if (getBit(src, offset + indices[i]!)) out[i >> 3] |= 1 << (i & 7);
      return fixedData(type, n, out, bitmap, nullCount);
    }
    case 'utf8':
      return takeUtf8(data, indices, bitmap, nullCount);
  }
}

function takeUtf8(data: arrow.Data, indices: Indices, bitmap: Uint8Array | null, nullCount: number): arrow.Data {
  const n = indices.length;
  const src = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const j = indices[i]!;
    total += src[j + 1]! - src[j]!;
    offsets[i + 1] = total;
  }
  const out = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    const j = indices[i]!;
    const start = src[j]!;
    const len = src[j + 1]! - start;
    const at = offsets[i]!;
    // set() has a fixed cost that only pays off for longer strings.
    if (len > 32) out.set(bytes.subarray(start, start + len), at);
    else for (let k = 0; k < len; k++) out[at + k] = bytes[start + k]!;
  }
  return utf8Data(n, offsets, out, bitmap, nullCount);
}
