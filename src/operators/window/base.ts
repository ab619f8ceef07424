// What tumble/hop and session windows share: the compiled spec (output schema, aggregate calls,
// key types), the KeyTable, the fold of rows into states, the watermark, late-row reporting.

import type * as arrow from 'apache-arrow';
import type { StateCodec } from '../../state/keyed-state.js';
import { type KeyGroupRange, keyGroupRange } from '../../state/key-groups.js';
import type { FieldType, Schema } from '../../types.js';
import { AggregateFolder } from '../aggregate/fold.js';
import { Grouper } from '../aggregate/grouping.js';
import { blankNums, type GroupState, newGroupState, stateCodec, stateLayout, type StateLayout } from '../aggregate/state.js';
import type { BatchOperator, KeyedSnapshot, OperatorContext } from '../types.js';
import { BatchKeys } from './batch-keys.js';
import { KeyTable } from './key-table.js';
import { compileWindowAggregate, type WindowAggregateSpec } from './schema.js';

export abstract class WindowOperatorBase implements BatchOperator {
  readonly name = 'window_aggregate';
  readonly outputSchema: Schema;
  protected readonly groupBy: string[];
  protected readonly timeColumn: string;
  protected readonly keyTypes: FieldType[];
  protected readonly folder: AggregateFolder;
  protected readonly codec: StateCodec<GroupState>;
  protected readonly keys: KeyTable;
  /** Highest watermark seen: every later row has event time above it. */
  protected watermark = -Infinity;
  private readonly layout: StateLayout;
  private readonly blank: number[];
  private readonly grouper = new Grouper();

  constructor(spec: WindowAggregateSpec, input: Schema, protected readonly ctx: OperatorContext) {
    const compiled = compileWindowAggregate(spec, input, undefined, { udfs: ctx.udfs });
    this.outputSchema = compiled.schema;
    this.groupBy = spec.group_by;
    this.timeColumn = spec.time_column;
    this.keyTypes = compiled.keyFields.map((f) => f.type);
    this.folder = new AggregateFolder(compiled.calls);
    this.layout = stateLayout(compiled.calls);
    this.codec = stateCodec(this.layout);
    this.blank = blankNums(this.layout);
    this.keys = new KeyTable(this.keyTypes);
  }

  /** Keys that have an open window or session. */
  get openKeys(): number {
    return this.keys.size;
  }

  /** Open (window, key) states: windows per key for tumble/hop, sessions for session windows. */
  abstract get openGroups(): number;
  abstract process(batch: arrow.RecordBatch): arrow.RecordBatch | null;
  abstract onWatermark(watermarkMs: number): arrow.RecordBatch | null;
  abstract snapshot(): KeyedSnapshot;
  abstract restore(snapshots: KeyedSnapshot[]): void;

  protected newState(): GroupState {
    return newGroupState(this.layout, this.blank);
  }

  protected batchKeys(batch: arrow.RecordBatch): BatchKeys {
    return new BatchKeys(batch, this.groupBy, this.keyTypes, this.grouper, this.keys);
  }

  protected lateRows(n: number): void {
    if (n > 0) this.ctx.onLateRows?.(n);
  }

  /** The key groups this subtask owns. */
  protected ownedRange(): KeyGroupRange {
    return keyGroupRange(this.ctx.subtaskIndex, this.ctx.parallelism);
  }
}
