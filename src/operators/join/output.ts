// Assembling a join's output batch column by column: each side's columns are gathered from the
// batches its rows live in, by the matched index lists (−1: null), then the columns are wrapped
// under the output schema (left columns, then right, renamed) without further copies.

import type * as arrow from 'apache-arrow';
import { assembleBatch, toArrowSchema } from '../../dataflow/arrow/schema.js';
import type { Schema } from '../../types.js';
import { gather } from './gather.js';

/** Where one side's output rows come from: row `row[i]` of `batches[part[i]]` (part null: batches[0]). */
export interface SideRows {
  batches: readonly arrow.RecordBatch[];
  part: Int32Array | null;
  row: Int32Array;
}

/** `leftColumns`: how many of the output's columns come from the left side. */
export function joinedBatch(output: Schema, leftColumns: number, left: SideRows, right: SideRows): arrow.RecordBatch {
  const schema = toArrowSchema(output);
  const children = schema.fields.map((field, c) => {
    const [side, col] = c < leftColumns ? [left, c] : [right, c - leftColumns];
    return gather(
      field.type,
      side.batches.map((b) => b.data.children[col]!),
      side.part,
      side.row,
    );
  });
  return assembleBatch(schema, left.row.length, children);
}
