// Row selection on whole batches: filter by a Bool mask, take by index, concatenate, and swap in
// a new column list. Output batches keep the input's Arrow schema.

import * as arrow from 'apache-arrow';
import { InternalError } from '../../errors.js';
import type { Schema } from '../../types.js';
import { getBit } from './bits.js';
import { batchFromColumns } from './columns.js';
import { concatData, singleData } from './concat.js';
import { validityOf } from './data.js';
import { arrowType, assembleBatch, emptyBatch, fieldTypeOf, toArrowSchema } from './schema.js';
import { takeData } from './take.js';

/** Keeps the rows where `mask` (a Bool vector) is true; null counts as false. */
export function filterBatch(batch: arrow.RecordBatch, mask: arrow.Vector): arrow.RecordBatch {
  if (mask.type.typeId !== arrow.Type.Bool) throw new InternalError(`filter mask must be Bool, got ${String(mask.type)}`);
  const n = batch.numRows;
  if (mask.length !== n) throw new InternalError(`filter mask has ${mask.length} rows, batch has ${n}`);
  const data = singleData(mask);
  const values = data.values as Uint8Array;
  const validity = validityOf(data);
  const off = data.offset;
  const picked = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (getBit(values, off + i) && (validity === null || getBit(validity, off + i))) picked[count++] = i;
  }
  if (count === n) return batch;
  return takeRows(batch, picked.subarray(0, count));
}

/** The rows at `indices`, in that order (repeats allowed). */
export function takeRows(batch: arrow.RecordBatch, indices: Int32Array | Uint32Array): arrow.RecordBatch {
  const n = batch.numRows;
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    if (j < 0 || j >= n) throw new InternalError(`takeRows: index ${j} outside 0..${n - 1}`);
  }
  return assembleBatch(
    batch.schema,
    indices.length,
    batch.data.children.map((d) => takeData(d, indices)),
  );
}

/** All rows of `batches`, in order, as one batch of `schema` (columns matched by position). */
export function concatBatches(schema: Schema, batches: arrow.RecordBatch[]): arrow.RecordBatch {
  if (batches.length === 0) return emptyBatch(schema);
  const fields = schema.fields;
  for (const b of batches) {
    if (b.numCols !== fields.length) throw new InternalError(`concatBatches: batch has ${b.numCols} columns, schema ${fields.length}`);
    b.data.children.forEach((d, i) => {
      if (fieldTypeOf(d.type) !== fields[i]!.type) {
        throw new InternalError(`concatBatches: column "${fields[i]!.name}" is ${String(d.type)}, expected ${fields[i]!.type}`);
      }
    });
  }
  const rows = batches.reduce((n, b) => n + b.numRows, 0);
  const columns = fields.map((f, i) => {
    const data = concatData(
      arrowType(f.type),
      batches.map((b) => b.data.children[i]!),
    );
    if (f.nullable === false && data.nullCount > 0) throw new InternalError(`column "${f.name}" is not nullable but has nulls`);
    return data;
  });
  return assembleBatch(toArrowSchema(schema), rows, columns);
}

/** Same as batchFromColumns, checking the new columns have the batch's row count. */
export function selectColumns(batch: arrow.RecordBatch, schema: Schema, columns: arrow.Vector[]): arrow.RecordBatch {
  const out = batchFromColumns(schema, columns);
  if (columns.length > 0 && out.numRows !== batch.numRows) {
    throw new InternalError(`selectColumns: ${out.numRows} rows, input batch has ${batch.numRows}`);
  }
  return out;
}
