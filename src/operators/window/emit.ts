// The output batch of closed windows: one row per (window, key), rows already in their order
// (window end, then key). Key columns come from the KeyTable, bounds are written as int64 words,
// aggregates go through the same column builders as the updating aggregate.

import type * as arrow from 'apache-arrow';
import { batchFromColumns, makeColumn } from '../../dataflow/arrow/index.js';
import type { Schema } from '../../types.js';
import type { AggregateFolder } from '../aggregate/fold.js';
import { int64From } from '../aggregate/output.js';
import type { GroupState } from '../aggregate/state.js';
import type { KeyTable } from './key-table.js';

/** Closed windows' rows, collected before they are emitted. */
export class ClosedRows {
  readonly keyIds: number[] = [];
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly states: GroupState[] = [];

  push(keyId: number, start: number, end: number, state: GroupState): void {
    this.keyIds.push(keyId);
    this.starts.push(start);
    this.ends.push(end);
    this.states.push(state);
  }

  get size(): number {
    return this.states.length;
  }

  /** The rows as a batch of `schema` (group_by, window_start, window_end, aggregates). */
  toBatch(schema: Schema, keys: KeyTable, folder: AggregateFolder): arrow.RecordBatch {
    const columns = [
      ...keys.columns(Int32Array.from(this.keyIds)),
      makeColumn('timestamp', int64From(Float64Array.from(this.starts))),
      makeColumn('timestamp', int64From(Float64Array.from(this.ends))),
      ...folder.columns(folder.gather(this.states)),
    ];
    return batchFromColumns(schema, columns);
  }
}
