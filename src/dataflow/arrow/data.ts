// Low-level column data: constructors that skip makeData's visitor dispatch, and the physical
// layout of each Rivulet type, which the kernels (take, concat, hash, IPC) switch on.
//
// Arrow JS conventions followed everywhere here: fixed-width `values` are already sliced, so row i
// is values[i]; bitmaps (validity and Bool values) are not, so row i is bit `offset + i`; Utf8
// `valueOffsets` are sliced and index into unsliced `values` bytes.

import * as arrow from 'apache-arrow';
import { InternalError } from '../../errors.js';

export type FixedArray = Int32Array | BigInt64Array | Float64Array;

/** How a column is laid out in memory: 4-byte words, 8-byte words, bits, or Utf8 offsets + bytes. */
export type Layout = 'w32' | 'w64' | 'bit' | 'utf8';

export function layoutOf(type: arrow.DataType): Layout {
  switch (type.typeId) {
    case arrow.Type.Int: {
      const bits = (type as arrow.Int).bitWidth;
      if (bits === 32 || bits === 64) return bits === 32 ? 'w32' : 'w64';
      break;
    }
    case arrow.Type.Float:
      if ((type as arrow.Float).precision === arrow.Precision.DOUBLE) return 'w64';
      break;
    case arrow.Type.Timestamp:
      return 'w64';
    case arrow.Type.Bool:
      return 'bit';
    case arrow.Type.Utf8:
      return 'utf8';
  }
  throw new InternalError(`unsupported Arrow type ${String(type)}`);
}

const NO_BITMAP = new Uint8Array(0);
const UTF8 = new arrow.Utf8();

/** Column data for a fixed-width or Bool type (`values` is a bitmap for Bool). */
export function fixedData(
  type: arrow.DataType,
  length: number,
  values: FixedArray | Uint8Array,
  bitmap: Uint8Array | null,
  nullCount: number,
): arrow.Data {
  return new arrow.Data(type, 0, length, nullCount, [undefined, values, nullCount > 0 && bitmap ? bitmap : NO_BITMAP] as never);
}

export function utf8Data(length: number, offsets: Int32Array, bytes: Uint8Array, bitmap: Uint8Array | null, nullCount: number): arrow.Data {
  return new arrow.Data(UTF8, 0, length, nullCount, [offsets, bytes, nullCount > 0 && bitmap ? bitmap : NO_BITMAP] as never);
}
/** Zero-length column data of one type. */
export function emptyData(type: arrow.DataType): arrow.Data {
  switch (layoutOf(type)) {
    case 'utf8':
      return utf8Data(0, new Int32Array(1), new Uint8Array(0), null, 0);
    case 'bit':
      return fixedData(type, 0, new Uint8Array(0), null, 0);
    default:
      return fixedData(type, 0, new (type.ArrayType as new (n: number) => FixedArray)(0), null, 0);
  }
}

/** Allocates the values array for `length` rows of a fixed-width type. */
export function allocFixed(type: arrow.DataType, length: number): FixedArray {
  return new (type.ArrayType as new (n: number) => FixedArray)(length);
}

/** An Int32Array over the same memory (two words per row for 8-byte types): copies bits exactly. */
export function words(values: FixedArray): Int32Array {
  return values instanceof Int32Array ? values : new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** The validity bitmap to consult, or null when every row is valid. */
export function validityOf(data: arrow.Data): Uint8Array | null {
  return data.nullCount > 0 ? (data.nullBitmap as Uint8Array) : null;
}

// Word views (words(), the IPC layout, hashing) read 64-bit values as little-endian halves.
if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('Rivulet needs a little-endian platform');
