// `aggregate`: an updating GROUP BY (no window). Each batch is split into its distinct keys, every
// aggregate is folded into the keys' running state column by column, and one row per key that
// changed in the batch goes out with the key's new values (keys in order of first appearance).
//
// With `updating` (SQL's updating GROUP BY) the output is a changelog instead: a trailing `_op`
// column, a `retract` row with a group's previous values before the `append` row with its new
// ones (aggregate/changelog.ts). With `ttlMs`, a group not updated for that long (processing
// time, from `clock`) is dropped without a retraction; if its key comes back it starts afresh.
//
// State is keyed by group and split into key groups (the hash of the group_by columns, the same
// hash the shuffle into this operator routes by), so checkpoints can move it across a rescale.

import * as arrow from 'apache-arrow';
import { InternalError } from '../errors.js';
import { batchFromColumns, hashKeys, singleData } from '../dataflow/arrow/index.js';
import { takeData } from '../dataflow/arrow/take.js';
import { keyGroupOfHash, keyGroupRange } from '../state/key-groups.js';
import type { CompileOptions } from '../sql/expr/index.js';
import type { Field, FieldType, Schema } from '../types.js';
import { type AggregateCall, compileAggregateCall } from './aggregate/calls.js';
import { changelog, changelogValues, OP_COLUMN, opColumn } from './aggregate/changelog.js';
import { AggregateFolder } from './aggregate/fold.js';
import { KeyedState } from '../state/keyed-state.js';
import { Grouper } from './aggregate/grouping.js';
import { checkRetractable, dropUnmatchedRetractions, isChangelog, opWeights, ROWS_CALL } from './aggregate/retract.js';
import { KeyColumns } from './aggregate/keys.js';
import { blankNums, type GroupState, newGroupState, stateCodec, stateLayout, type StateLayout } from './aggregate/state.js';
import type { BatchOperator, KeyedSnapshot, OperatorContext } from './types.js';

export { OP_COLUMN } from './aggregate/changelog.js';

export interface AggregateOptions {
  /** Emit a changelog with an `_op` column (retract + append) instead of plain new rows. */
  updating?: boolean;
  /** Drop a group not updated for this many ms of processing time (no retraction is emitted). */
  ttlMs?: number;
  /** Processing-time clock for the TTL (ms); Date.now by default, injected by tests. */
  clock?: () => number;
}

/** Checks expired groups at most this often (and on lookup always, so expiry is exact). */
const MAX_SWEEP_INTERVAL_MS = 60_000;

export function aggregateOperator(groupBy: string[], aggregates: string[], input: Schema, ctx: OperatorContext, options: AggregateOptions = {}): AggregateOperator {
  return new AggregateOperator(groupBy, aggregates, input, ctx, options);
}

/** The output schema: group_by columns as they are, one column per aggregate, then `_op` when updating. */
export function aggregateSchema(groupBy: string[], aggregates: string[], input: Schema, updating = false, options?: CompileOptions): Schema {
  const calls = aggregates.map((text) => compileAggregateCall(text, input, undefined, options));
  if (isChangelog(input)) checkRetractable(calls, updating);
  return outputSchemaOf(keyFieldsOf(groupBy, input), calls, updating);
}

function keyFieldsOf(groupBy: string[], input: Schema): Field[] {
  return groupBy.map((name) => {
    const field = input.fields.find((f) => f.name === name);
    if (!field) throw new InternalError(`group_by column "${name}" is not in the input schema`);
    return { ...field, nullable: field.nullable ?? true };
  });
}

function outputSchemaOf(keyFields: Field[], calls: AggregateCall[], updating: boolean): Schema {
  const fields: Field[] = [...keyFields, ...calls.map((c) => ({ name: c.outputName, type: c.type, nullable: c.nullable }))];
  if (updating) fields.push({ name: OP_COLUMN, type: 'utf8', nullable: false });
  return { fields };
}

export class AggregateOperator implements BatchOperator {
  readonly name = 'aggregate';
  readonly outputSchema: Schema;
  private readonly keyTypes: FieldType[];
  private readonly folder: AggregateFolder;
  private readonly layout: StateLayout;
  private readonly state: KeyedState<GroupState>;
  private readonly grouper = new Grouper();
  /** A new key's nums, copied: filled with a double first so copies hold unboxed doubles from the start. */
  private readonly blank: number[];
  private readonly updating: boolean;
  private readonly ttlMs: number;
  private readonly clock: () => number;
  private nextSweep = 0;
  /** A changelog input (aggregate/retract.ts): the index of the hidden live-rows call, else -1. */
  private readonly rowsCall: number;

  constructor(
    private readonly groupBy: string[],
    aggregates: string[],
    input: Schema,
    private readonly ctx: OperatorContext,
    options: AggregateOptions = {},
  ) {
    const keyFields = keyFieldsOf(groupBy, input);
    this.keyTypes = keyFields.map((f) => f.type);
    const calls = aggregates.map((text) => compileAggregateCall(text, input, undefined, { udfs: ctx.udfs }));
    this.updating = options.updating ?? false;
    this.rowsCall = -1;
    if (isChangelog(input)) {
      checkRetractable(calls, this.updating);
      this.rowsCall = calls.length;
    }
    this.folder = new AggregateFolder(this.rowsCall < 0 ? calls : [...calls, compileAggregateCall(ROWS_CALL, input)]);
    this.ttlMs = options.ttlMs ?? 0;
    if (!(this.ttlMs >= 0 && Number.isFinite(this.ttlMs))) throw new InternalError(`aggregate ttl_ms must be a non-negative number, got ${options.ttlMs}`);
    this.clock = options.clock ?? Date.now;
    this.outputSchema = outputSchemaOf(keyFields, calls, this.updating);
    this.layout = stateLayout(this.folder.calls);
    this.state = new KeyedState(stateCodec(this.layout));
    this.blank = blankNums(this.layout);
  }

  /** Number of keys held. */
  get keys(): number {
    return this.state.size;
  }

  process(batch: arrow.RecordBatch): arrow.RecordBatch | null {
    if (batch.numRows === 0) return null;
    if (this.rowsCall >= 0) return this.processChangelog(batch);
    const now = this.ttlMs > 0 ? this.clock() : 0;
    if (this.ttlMs > 0 && now >= this.nextSweep) this.sweep(now);
    const hashes = hashKeys(batch, this.groupBy);
    const keys = new KeyColumns(batch, this.groupBy, this.keyTypes);
    const { count, gid, first } = this.grouper.group(hashes, keys);
    const existed = new Uint8Array(count);
    const states = this.lookup(count, first, hashes, keys, existed, now);
    const { after, before } = this.folder.fold(states, [gid], this.folder.readArgs(batch), this.updating);
    if (!before) {
      const columns = this.groupBy.map((name) => new arrow.Vector([takeData(singleData(batch.getChild(name)!), first)]));
      return batchFromColumns(this.outputSchema, [...columns, ...this.folder.columns(after)]);
    }
    const log = changelog(this.folder.calls, existed, before, after);
    if (log.group.length === 0) return null;
    const rows = Int32Array.from(log.group, (g) => first[g]!);
    const columns = this.groupBy.map((name) => new arrow.Vector([takeData(singleData(batch.getChild(name)!), rows)]));
    return batchFromColumns(this.outputSchema, [...columns, ...this.folder.columns(changelogValues(log, before, after)), opColumn(log.retract)]);
  }

  /** A changelog input: appends add, retractions take back; a group left with no rows is retracted and dropped. */
  private processChangelog(batch: arrow.RecordBatch): arrow.RecordBatch | null {
    const now = this.ttlMs > 0 ? this.clock() : 0;
    if (this.ttlMs > 0 && now >= this.nextSweep) this.sweep(now);
    const hashes = hashKeys(batch, this.groupBy);
    const keys = new KeyColumns(batch, this.groupBy, this.keyTypes);
    const { count, gid, first } = this.grouper.group(hashes, keys);
    const existed = new Uint8Array(count);
    const states = this.lookup(count, first, hashes, keys, existed, now);
    const r = this.rowsCall;
    const live = Float64Array.from(states, (s) => s.nums[2 * r + 1]!);
    const weights = opWeights(batch);
    dropUnmatchedRetractions(gid, weights, live);
    const { after, before } = this.folder.fold(states, [gid], this.folder.readArgs(batch), true, weights);
    const alive = Uint8Array.from(live, (n) => (n > 0 ? 1 : 0));
    for (let g = 0; g < count; g++) {
      if (!alive[g]) this.state.delete(keyGroupOfHash(hashes[first[g]!]!), keys.encode(first[g]!));
    }
    const log = changelog(this.folder.calls.slice(0, r), existed, before!, after, alive);
    if (log.group.length === 0) return null;
    const rows = Int32Array.from(log.group, (g) => first[g]!);
    const columns = this.groupBy.map((name) => new arrow.Vector([takeData(singleData(batch.getChild(name)!), rows)]));
    const values = this.folder.columns(changelogValues(log, before!, after)).slice(0, r);
    return batchFromColumns(this.outputSchema, [...columns, ...values, opColumn(log.retract)]);
  }

  snapshot(): KeyedSnapshot {
    return this.state.snapshot();
  }

  restore(snapshots: KeyedSnapshot[]): void {
    this.state.restore(snapshots, keyGroupRange(this.ctx.subtaskIndex, this.ctx.parallelism));
    // Last-update times are not checkpointed: restored groups count as updated now.
    if (this.ttlMs > 0) {
      const now = this.clock();
      for (const s of this.state.values()) s.seen = now;
    }
  }

  /** Each group's state, created on first sight (the only allocation per key); marks which existed. */
  private lookup(count: number, first: Int32Array, hashes: Uint32Array, keys: KeyColumns, existed: Uint8Array, now: number): GroupState[] {
    const states = new Array<GroupState>(count);
    const ttl = this.ttlMs;
    for (let g = 0; g < count; g++) {
      const row = first[g]!;
      const kg = keyGroupOfHash(hashes[row]!);
      const key = keys.encode(row);
      let s = this.state.get(kg, key);
      // An expired group the sweep has not reached yet is as good as gone.
      if (!s || (ttl > 0 && now - s.seen >= ttl)) this.state.set(kg, key, (s = newGroupState(this.layout, this.blank)));
      else existed[g] = 1;
      s.seen = now;
      states[g] = s;
    }
    return states;
  }

  /** Drops groups idle for the TTL; runs every half TTL at most (memory, not correctness). */
  private sweep(now: number): void {
    const ttl = this.ttlMs;
    this.state.deleteWhere((s) => now - s.seen >= ttl);
    this.nextSweep = now + Math.min(Math.max(ttl / 2, 1), MAX_SWEEP_INTERVAL_MS);
  }
}
