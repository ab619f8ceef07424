// Rivulet schemas <-> Arrow schemas. Arrow schemas, types and struct types are cached per Rivulet
// schema object because every batch built on the hot path needs them; schemas are treated as
// immutable once used.

import * as arrow from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import type { FieldType, Schema } from '../../types.js';
import { emptyData } from './data.js';

// Arrow data types are immutable, so one instance per field type is shared by every column.
const ARROW_TYPES: Record<FieldType, arrow.DataType> = {
  int32: new arrow.Int32(),
  int64: new arrow.Int64(),
  float64: new arrow.Float64(),
  utf8: new arrow.Utf8(),
  bool: new arrow.Bool(),
  timestamp: new arrow.TimestampMillisecond(),
};

export function arrowType(type: FieldType): arrow.DataType {
  const t = ARROW_TYPES[type];
  if (!t) throw new ValidationError(`unknown field type "${String(type)}"`);
  return t;
}

/** The Rivulet field type of an Arrow type, or null when Rivulet has no such type. */
export function fieldTypeOf(t: arrow.DataType): FieldType | null {
  switch (t.typeId) {
    case arrow.Type.Int: {
      const int = t as arrow.Int;
      if (!int.isSigned) return null;
      return int.bitWidth === 32 ? 'int32' : int.bitWidth === 64 ? 'int64' : null;
    }
    case arrow.Type.Float:
      return (t as arrow.Float).precision === arrow.Precision.DOUBLE ? 'float64' : null;
    case arrow.Type.Utf8:
      return 'utf8';
    case arrow.Type.Bool:
      return 'bool';
    case arrow.Type.Timestamp:
      return (t as arrow.Timestamp).unit === arrow.TimeUnit.MILLISECOND ? 'timestamp' : null;
    default:
      return null;
  }
}

const arrowSchemas = new WeakMap<Schema, arrow.Schema>();

export function toArrowSchema(schema: Schema): arrow.Schema {
  let s = arrowSchemas.get(schema);
  if (!s) {
    s = new arrow.Schema(schema.fields.map((f) => new arrow.Field(f.name, arrowType(f.type), f.nullable !== false)));
    arrowSchemas.set(schema, s);
  }
  return s;
}

export function fromArrowSchema(s: arrow.Schema): Schema {
  return {
    fields: s.fields.map((f) => {
      const type = fieldTypeOf(f.type);
      if (!type) throw new ValidationError(`field "${f.name}": unsupported Arrow type ${String(f.type)}`);
      return f.nullable ? { name: f.name, type } : { name: f.name, type, nullable: false };
    }),
  };
}

const structTypes = new WeakMap<arrow.Schema, arrow.Struct>();

/** Wraps equal-length column data in a RecordBatch without copying. */
export function assembleBatch(schema: arrow.Schema, length: number, children: arrow.Data[]): arrow.RecordBatch {
  let type = structTypes.get(schema);
  if (!type) {
    type = new arrow.Struct(schema.fields);
    structTypes.set(schema, type);
  }
  return new arrow.RecordBatch(schema, arrow.makeData({ type, length, nullCount: 0, children }));
}

export function emptyBatch(schema: Schema): arrow.RecordBatch {
  const s = toArrowSchema(schema);
  return assembleBatch(s, 0, s.fields.map((f) => emptyData(f.type)));
}
