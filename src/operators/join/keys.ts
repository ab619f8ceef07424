// One side's join keys: their columns and types, the rows whose key holds a null (a null key
// equals nothing, as in SQL), and stored rows as chunks that carry their key hashes.
//
// Key strings come from the aggregate's KeyColumns: int32, int64 and integral float64 of equal
// value print alike there (and hash alike in hash.ts), so `a.id = b.id` matches across widths.

import type * as arrow from 'apache-arrow';
import { InternalError } from '../../errors.js';
import { fieldTypeOf, singleData, takeRows, validityOf } from '../../dataflow/arrow/index.js';
import type { FieldType, Schema } from '../../types.js';

export interface SideKeys {
  names: string[];
  types: FieldType[];
}

export function sideKeys(schema: Schema, names: string[]): SideKeys {
  return {
    names,
    types: names.map((name) => {
      const f = schema.fields.find((x) => x.name === name);
      if (!f) throw new InternalError(`join key "${name}" is not in the input schema`);
      return f.type;
    }),
  };
}

/** Stored rows of one side, with the hash of each row's key (for key groups and matching). */
export interface Chunk {
  batch: arrow.RecordBatch;
  hashes: Uint32Array;
  /** Windowed: the window start the rows belong to. Without a window: when they were stored. */
  tag: number;
}

/** Chunk of the rows `rows` of a batch (the batch itself when that is all of them). */
export function chunkOf(batch: arrow.RecordBatch, hashes: Uint32Array, rows: Int32Array, tag: number): Chunk {
  if (rows.length === batch.numRows) return { batch, hashes, tag };
  const h = new Uint32Array(rows.length);
  for (let i = 0; i < rows.length; i++) h[i] = hashes[rows[i]!]!;
  return { batch: takeRows(batch, rows), hashes: h, tag };
}

/** 1 for each row with a null in a key column; null when no row has one. */
export function nullKeyRows(batch: arrow.RecordBatch, names: readonly string[]): Uint8Array | null {
  let out: Uint8Array | null = null;
  for (const name of names) {
    const data = singleData(batch.getChild(name)!);
    const valid = validityOf(data);
    if (!valid) continue;
    out ??= new Uint8Array(batch.numRows);
    const off = data.offset;
    for (let i = 0; i < out.length; i++) if (((valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 0) out[i] = 1;
  }
  return out;
}

/** Checks a batch has its side's columns (count and types, by position), as chunks concatenate by position. */
export function checkBatch(batch: arrow.RecordBatch, schema: Schema, side: string): void {
  if (batch.numCols !== schema.fields.length) {
    throw new InternalError(`join: ${side} batch has ${batch.numCols} columns, its schema ${schema.fields.length}`);
  }
  batch.data.children.forEach((d, i) => {
    const f = schema.fields[i]!;
    if (fieldTypeOf(d.type) !== f.type) throw new InternalError(`join: ${side} column "${f.name}" is ${String(d.type)}, expected ${f.type}`);
  });
}
