// The output batch of closed windows: one row per (window, key), rows already in their order
// (window end, then key). Key columns come from the KeyTable, bounds are written as int64 words;
// the aggregate columns come from the caller (built as the updating aggregate builds them).

import type * as arrow from 'apache-arrow';
import { batchFromColumns, makeColumn } from '../../dataflow/arrow/index.js';
import type { Schema } from '../../types.js';
import { int64From } from '../aggregate/output.js';
import type { KeyTable } from './key-table.js';

/** Closed windows' rows, collected before they are emitted. */
export class ClosedRows {
  readonly keyIds: number[] = [];
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  push(keyId: number, start: number, end: number): void {
    this.keyIds.push(keyId);
    this.starts.push(start);
    this.ends.push(end);
  }

  /** The rows as a batch of `schema` (group_by, window_start, window_end, then `aggregates`). */
  toBatch(schema: Schema, keys: KeyTable, aggregates: arrow.Vector[]): arrow.RecordBatch {
    const columns = [
      ...keys.columns(Int32Array.from(this.keyIds)),
      makeColumn('timestamp', int64From(Float64Array.from(this.starts))),
      makeColumn('timestamp', int64From(Float64Array.from(this.ends))),
      ...aggregates,
    ];
    return batchFromColumns(schema, columns);
  }
}
