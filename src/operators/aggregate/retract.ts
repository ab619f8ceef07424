// Aggregating a changelog (the output of an updating GROUP BY, with its `_op` column): each
// `append` row adds to its group and each `retract` row takes back what an earlier append added,
// so count, sum and avg stay exact (Nexmark q4: the average of per-auction maxima that keep
// changing). min, max, count(DISTINCT) and UDAFs would need every value kept to undo one, so they
// are refused. A hidden count(*) tracks each group's live rows: at 0 the group is gone (its last
// output is retracted). A retraction with nothing to take back (its group expired by the TTL, or
// was never seen) is ignored, as Flink's GroupAggFunction does.

import * as arrow from 'apache-arrow';
import { singleData } from '../../dataflow/arrow/index.js';
import { ValidationError } from '../../errors.js';
import type { Schema } from '../../types.js';
import type { AggregateCall } from './calls.js';
import { OP_COLUMN } from './changelog.js';

/** The hidden call that counts a group's live rows; always the last call. */
export const ROWS_CALL = 'count(*) AS "__rivulet_rows"';

/** Whether the input is a changelog (carries `_op`). */
export function isChangelog(input: Schema): boolean {
  return input.fields.some((f) => f.name === OP_COLUMN);
}

/** Throws when an aggregate cannot take back a retracted row, or when the output is not a changelog. */
export function checkRetractable(calls: readonly AggregateCall[], updating: boolean): void {
  if (!updating) {
    throw new ValidationError(`an aggregate over a changelog input (with an ${OP_COLUMN} column) must be updating: its results change when rows are retracted`);
  }
  for (const c of calls) {
    const ok = !c.udaf && !c.distinct && (c.fn === 'count' || c.fn === 'sum' || c.fn === 'avg');
    if (!ok) {
      const what = c.udaf ? `the aggregate function ${c.udaf.name}` : c.distinct ? 'count(DISTINCT ...)' : `${c.fn}(...)`;
      throw new ValidationError(
        `${what} over an updating table (the output of a GROUP BY without a window) is not supported: only count, sum and avg can take back a retracted row`,
      );
    }
  }
}

/** +1 for each `append` row, -1 for each `retract` row (told apart by their first byte). */
export function opWeights(batch: arrow.RecordBatch): Float64Array {
  const col = batch.getChild(OP_COLUMN);
  const w = new Float64Array(batch.numRows).fill(1);
  if (!col) return w;
  const data = singleData(col);
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const r = 'r'.charCodeAt(0);
  for (let i = 0; i < w.length; i++) if (bytes[offsets[i]!] === r) w[i] = -1; // arrow-js slices offsets with the data
  return w;
}

/**
 * Zeroes the weight of each retraction that has no live row to take back, walking the rows in
 * order: `live[g]` starts as group g's live rows before the batch and is left as after it.
 */
export function dropUnmatchedRetractions(gid: Int32Array, w: Float64Array, live: Float64Array): void {
  for (let i = 0; i < gid.length; i++) {
    const g = gid[i]!;
    if (w[i]! < 0 && live[g]! <= 0) w[i] = 0;
    else live[g] += w[i]!;
  }
}
