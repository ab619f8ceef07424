// Building columns and batches from typed arrays (zero-copy where the layout allows), and reading
// 64-bit integer columns as numbers without making a BigInt per row.

import * as arrow from 'apache-arrow';
import { InternalError } from '../../errors.js';
import type { FieldType, Schema } from '../../types.js';
import { packBytes } from './bits.js';
import { singleData } from './concat.js';
import { fixedData, layoutOf, utf8Data, validityOf, words } from './data.js';
import { arrowType, assembleBatch, fieldTypeOf, toArrowSchema } from './schema.js';

const VALUE_ARRAYS: Record<FieldType, Function> = {
  int32: Int32Array,
  int64: BigInt64Array,
  float64: Float64Array,
  utf8: Uint8Array,
  bool: Uint8Array,
  timestamp: BigInt64Array,
};

/**
 * A column from typed values: Int32Array (int32), BigInt64Array (int64, timestamp in ms),
 * Float64Array (float64) or Uint8Array of 0/1 bytes (bool). Values are used without copying
 * (bool is packed into bits). `validity` has one byte per row, non-zero = valid.
 */
export function makeColumn(
  type: FieldType,
  values: Int32Array | BigInt64Array | Float64Array | Uint8Array,
  validity?: Uint8Array,
): arrow.Vector {
  if (type === 'utf8') throw new InternalError('makeColumn: use makeUtf8Column for utf8');
  if (!(values instanceof VALUE_ARRAYS[type])) {
    throw new InternalError(`makeColumn: ${type} needs ${VALUE_ARRAYS[type].name}, got ${values.constructor.name}`);
  }
  const length = values.length;
  const { bitmap, nulls } = validityBits(validity, length);
  if (type === 'bool') {
    const packed = packBytes(values as Uint8Array, length).bitmap;
    return new arrow.Vector([fixedData(arrowType(type), length, packed, bitmap, nulls)]);
  }
  return new arrow.Vector([fixedData(arrowType(type), length, values as Int32Array, bitmap, nulls)]);
}

/** A Utf8 column from offsets (length rows + 1, starting anywhere) into UTF-8 bytes. */
export function makeUtf8Column(offsets: Int32Array, bytes: Uint8Array, validity?: Uint8Array): arrow.Vector {
  const length = offsets.length - 1;
  if (length < 0 || offsets[length]! > bytes.length) throw new InternalError('makeUtf8Column: offsets outside the bytes');
  const { bitmap, nulls } = validityBits(validity, length);
  return new arrow.Vector([utf8Data(length, offsets, bytes, bitmap, nulls)]);
}

function validityBits(validity: Uint8Array | undefined, length: number): { bitmap: Uint8Array | null; nulls: number } {
  if (!validity) return { bitmap: null, nulls: 0 };
  if (validity.length < length) throw new InternalError(`validity has ${validity.length} bytes for ${length} rows`);
  const { bitmap, unset } = packBytes(validity, length);
  return { bitmap, nulls: unset };
}

/** A batch of `schema` from one vector per field, in field order; vectors are not copied. */
export function batchFromColumns(schema: Schema, columns: arrow.Vector[]): arrow.RecordBatch {
  const fields = schema.fields;
  if (columns.length !== fields.length) {
    throw new InternalError(`batchFromColumns: ${columns.length} columns for ${fields.length} fields`);
  }
  const length = fields.length === 0 ? 0 : columns[0]!.length;
  const children = columns.map((col, i) => {
    const f = fields[i]!;
    if (fieldTypeOf(col.type) !== f.type) throw new InternalError(`column "${f.name}": expected ${f.type}, got ${String(col.type)}`);
    if (col.length !== length) throw new InternalError(`column "${f.name}" has ${col.length} rows, expected ${length}`);
    const data = singleData(col);
    if (f.nullable === false && data.nullCount > 0) throw new InternalError(`column "${f.name}" is not nullable but has nulls`);
    return data;
  });
  return assembleBatch(toArrowSchema(schema), length, children);
}

const TWO_32 = 4294967296;

/**
 * An Int64 or Timestamp column (also Int32/Float64) as float64 numbers, read through 32-bit words
 * so no BigInt is made per row. Exact up to 2^53; null rows hold whatever the buffer holds (0
 * when built by Rivulet).
 */
export function int64AsFloat64(v: arrow.Vector): Float64Array {
  const data = singleData(v);
  const n = data.length;
  const layout = layoutOf(data.type);
  if (layout === 'w32' || data.type.typeId === arrow.Type.Float) {
    return layout === 'w32' ? Float64Array.from(data.values as Int32Array) : (data.values as Float64Array).slice(0, n);
  }
  if (layout !== 'w64') throw new InternalError(`int64AsFloat64: not a numeric column: ${String(data.type)}`);
  const w = words(data.values as BigInt64Array);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = w[2 * i + 1]! * TWO_32 + (w[2 * i]! >>> 0);
  return out;
}

/** Whether row i of a column is valid (for code that is not on a hot loop). */
export function isValidAt(data: arrow.Data, i: number): boolean {
  const v = validityOf(data);
  return v === null || (v[(data.offset + i) >> 3]! & (1 << ((data.offset + i) & 7))) !== 0;
}
