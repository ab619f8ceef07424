// Concatenation of column data of one type into one contiguous Data (one copy per buffer).

import type * as arrow from 'apache-arrow';
import { bitmapBytes, copyBits, fillBits } from './bits.js';
import { allocFixed, emptyData, fixedData, layoutOf, utf8Data, validityOf, words } from './data.js';

/** One Data holding all rows of `parts`; never a slice (offset 0), so sliced input is copied. */
export function concatData(type: arrow.DataType, parts: readonly arrow.Data[]): arrow.Data {
  if (parts.length === 1 && parts[0]!.offset === 0) return parts[0]!;
  if (parts.length === 0) return emptyData(type);
  let length = 0;
  let nullCount = 0;
  for (const p of parts) {
    length += p.length;
    nullCount += p.nullCount;
  }
  const bitmap = nullCount > 0 ? concatValidity(parts, length) : null;
  const layout = layoutOf(type);
  switch (layout) {
    case 'w32':
    case 'w64': {
      const values = allocFixed(type, length);
      const out = words(values);
      const k = layout === 'w64' ? 2 : 1;
      let pos = 0;
      for (const p of parts) {
        out.set(words(p.values as never).subarray(0, p.length * k), pos * k);
        pos += p.length;
      }
      return fixedData(type, length, values, bitmap, nullCount);
    }
    case 'bit': {
      const values = new Uint8Array(bitmapBytes(length));
      let pos = 0;
      for (const p of parts) {
        copyBits(p.values as Uint8Array, p.offset, values, pos, p.length);
        pos += p.length;
      }
      return fixedData(type, length, values, bitmap, nullCount);
    }
    case 'utf8': {
      let byteLength = 0;
      for (const p of parts) {
        const o = p.valueOffsets as Int32Array;
        byteLength += o[p.length]! - o[0]!;
      }
      const offsets = new Int32Array(length + 1);
      const bytes = new Uint8Array(byteLength);
      let row = 0;
      let at = 0;
      for (const p of parts) {
        const o = p.valueOffsets as Int32Array;
        const base = o[0]!;
        const shift = at - base;
        for (let i = 1; i <= p.length; i++) offsets[row + i] = o[i]! + shift;
        bytes.set((p.values as Uint8Array).subarray(base, o[p.length]!), at);
        at += o[p.length]! - base;
        row += p.length;
      }
      return utf8Data(length, offsets, bytes, bitmap, nullCount);
    }
  }
}

function concatValidity(parts: readonly arrow.Data[], length: number): Uint8Array {
  const bitmap = new Uint8Array(bitmapBytes(length));
  let pos = 0;
  for (const p of parts) {
    const v = validityOf(p);
    if (v) copyBits(v, p.offset, bitmap, pos, p.length);
    else fillBits(bitmap, pos, p.length);
    pos += p.length;
  }
  return bitmap;
}

/** The single contiguous Data of a vector (vectors built by concatenating tables have several). */
export function singleData(v: arrow.Vector): arrow.Data {
  return v.data.length === 1 ? v.data[0]! : concatData(v.type, v.data);
}
