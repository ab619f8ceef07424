// Conversion between Arrow column data and the engine's internal columns. Reads are zero-copy
// where the layouts agree (Float64, Utf8); int64/timestamp values are read through an Int32Array
// view (lo + hi * 2^32), never as per-row BigInts.

import {
  Bool, DataType, Float64, Int32, Int64, Precision, TimeUnit, TimestampMillisecond, Utf8,
  makeData, makeVector, type Data, type Vector,
} from 'apache-arrow';
import { InternalError } from '../../errors.js';
import type { FieldType } from '../../types.js';
import type { Col, Mask } from './col.js';

const TWO_32 = 4294967296;

/** Whether Arrow data already has exactly the representation a FieldType maps to. */
export function hasFieldType(t: DataType, f: FieldType): boolean {
  switch (f) {
    case 'int32':
      return DataType.isInt(t) && t.bitWidth === 32 && t.isSigned;
    case 'int64':
      return DataType.isInt(t) && t.bitWidth === 64 && t.isSigned;
    case 'float64':
      return DataType.isFloat(t) && t.precision === Precision.DOUBLE;
    case 'utf8':
      return DataType.isUtf8(t);
    case 'bool':
      return DataType.isBool(t);
    case 'timestamp':
      return DataType.isTimestamp(t) && t.unit === TimeUnit.MILLISECOND;
  }
}

export function readColumn(data: Data, name: string): Col {
  const n = data.length;
  const valid = readValidity(data);
  const t = data.type;
  if (DataType.isUtf8(t)) {
    return { t: 'str', offsets: data.valueOffsets.subarray(0, n + 1), bytes: data.values as Uint8Array, valid };
  }
  if (DataType.isBool(t)) {
    const bits = data.values as Uint8Array;
    const v = new Uint8Array(n);
    for (let i = 0, p = data.offset; i < n; i++, p++) v[i] = (bits[p >> 3]! >> (p & 7)) & 1;
    return { t: 'bool', v, valid };
  }
  if (DataType.isTimestamp(t)) {
    const v = int64ToFloat(data.values as BigInt64Array, n, true);
    const scale = t.unit === TimeUnit.SECOND ? 1000 : t.unit === TimeUnit.MICROSECOND ? 1e-3 : t.unit === TimeUnit.NANOSECOND ? 1e-6 : 1;
    if (scale !== 1) for (let i = 0; i < n; i++) v[i] = Math.floor(v[i]! * scale);
    return { t: 'num', v, valid };
  }
  if (DataType.isInt(t) || (DataType.isFloat(t) && t.precision !== Precision.HALF)) {
    const values = data.values as ArrayLike<number> | BigInt64Array | BigUint64Array;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      return { t: 'num', v: int64ToFloat(values, n, values instanceof BigInt64Array), valid };
    }
    if (values instanceof Float64Array) return { t: 'num', v: values.subarray(0, n), valid };
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = values[i]!;
    return { t: 'num', v, valid };
  }
  throw new InternalError(`column "${name}" has Arrow type ${String(t)}, which expressions cannot read`);
}

function int64ToFloat(values: BigInt64Array | BigUint64Array, n: number, signed: boolean): Float64Array {
  const words = new Int32Array(values.buffer, values.byteOffset, n * 2);
  const out = new Float64Array(n);
  if (signed) for (let i = 0; i < n; i++) out[i] = (words[2 * i]! >>> 0) + words[2 * i + 1]! * TWO_32;
  else for (let i = 0; i < n; i++) out[i] = (words[2 * i]! >>> 0) + (words[2 * i + 1]! >>> 0) * TWO_32;
  return out;
}

function readValidity(data: Data): Mask | null {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return null;
  const bits = data.nullBitmap;
  const out = new Uint8Array(data.length);
  for (let i = 0, p = data.offset; i < data.length; i++, p++) out[i] = (bits[p >> 3]! >> (p & 7)) & 1;
  return out;
}

function packBits(bytes: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(((n + 63) & ~63) >> 3); // 64-byte padding like Arrow's own builders
  for (let i = 0; i < n; i++) if (bytes[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

function writeInt64(v: Float64Array, n: number): BigInt64Array {
  const out = new BigInt64Array(n);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    const hi = Math.floor(x / TWO_32);
    words[2 * i] = (x - hi * TWO_32) | 0;
    words[2 * i + 1] = hi | 0;
  }
  return out;
}

/** Builds the Arrow vector for a result column of FieldType `type`. */
export function toVector(col: Col, type: FieldType, n: number): Vector {
  let nullCount = 0;
  let nullBitmap: Uint8Array | undefined;
  if (col.valid !== null) {
    for (let i = 0; i < n; i++) nullCount += col.valid[i]! ^ 1;
    if (nullCount > 0) nullBitmap = packBits(col.valid, n);
  }
  const common = { length: n, nullCount, ...(nullBitmap ? { nullBitmap } : {}) };
  if (type === 'utf8') {
    if (col.t !== 'str') throw new InternalError(`expected a string result, got ${col.t}`);
    let { offsets, bytes } = col;
    const base = offsets[0]!;
    if (base !== 0 || offsets.length !== n + 1) {
      bytes = bytes.subarray(base, offsets[n]!);
      offsets = offsets.slice(0, n + 1);
      for (let i = 0; i <= n; i++) offsets[i]! -= base;
    }
    return makeVector(makeData({ type: new Utf8(), ...common, valueOffsets: offsets, data: bytes }));
  }
  if (type === 'bool') {
    if (col.t !== 'bool') throw new InternalError(`expected a bool result, got ${col.t}`);
    return makeVector(makeData({ type: new Bool(), ...common, data: packBits(col.v, n) }));
  }
  if (col.t !== 'num') throw new InternalError(`expected a numeric result, got ${col.t}`);
  const v = col.v;
  switch (type) {
    case 'float64':
      return makeVector(makeData({ type: new Float64(), ...common, data: v.length === n ? v : v.subarray(0, n) }));
    case 'int32':
      return makeVector(makeData({ type: new Int32(), ...common, data: Int32Array.from(v.subarray(0, n)) }));
    case 'int64':
      return makeVector(makeData({ type: new Int64(), ...common, data: writeInt64(v, n) }));
    case 'timestamp':
      return makeVector(makeData({ type: new TimestampMillisecond(), ...common, data: writeInt64(v, n) }));
  }
}
