// `aggregate`: an updating GROUP BY (no window). Each batch is split into its distinct keys, every
// aggregate is folded into the keys' running state column by column, and one row per key that
// changed in the batch goes out with the key's new values (keys in order of first appearance).
//
// State is keyed by group and split into key groups (the hash of the group_by columns, the same
// hash the shuffle into this operator routes by), so checkpoints can move it across a rescale.

import * as arrow from 'apache-arrow';
import { InternalError } from '../errors.js';
import { batchFromColumns, hashKeys, int64AsFloat64, singleData, validityOf } from '../dataflow/arrow/index.js';
import { takeData } from '../dataflow/arrow/take.js';
import { keyGroupOfHash, keyGroupRange } from '../state/key-groups.js';
import { KeyedState } from '../state/keyed-state.js';
import type { Field, FieldType, Schema } from '../types.js';
import { countRows, countValid, maxValues, minValues, sumValues, textMinMax } from './aggregate/accumulate.js';
import { type AggregateCall, compileAggregateCall } from './aggregate/calls.js';
import { Grouper } from './aggregate/grouping.js';
import { KeyColumns } from './aggregate/keys.js';
import { aggregateColumn } from './aggregate/output.js';
import { type GroupState, stateCodec } from './aggregate/state.js';
import type { BatchOperator, KeyedSnapshot, OperatorContext } from './types.js';

/** An aggregate argument evaluated over one batch. */
interface ArgColumn {
  data: arrow.Data;
  valid: Uint8Array | null;
  numbers: Float64Array | null;
}

export function aggregateOperator(groupBy: string[], aggregates: string[], input: Schema, ctx: OperatorContext): AggregateOperator {
  return new AggregateOperator(groupBy, aggregates, input, ctx);
}

export class AggregateOperator implements BatchOperator {
  readonly name = 'aggregate';
  readonly outputSchema: Schema;
  private readonly keyTypes: FieldType[];
  private readonly calls: AggregateCall[];
  /** Distinct arguments (evaluated once per batch) and each call's index into them (-1: count(*)). */
  private readonly args: NonNullable<AggregateCall['arg']>[] = [];
  private readonly argOf: number[];
  private readonly hasText: boolean;
  private readonly state: KeyedState<GroupState>;
  private readonly grouper = new Grouper();
  /** A new key's nums, copied: filled with a double first so copies hold unboxed doubles from the start. */
  private readonly blank: number[];

  constructor(
    private readonly groupBy: string[],
    aggregates: string[],
    input: Schema,
    private readonly ctx: OperatorContext,
  ) {
    const keyFields: Field[] = groupBy.map((name) => {
      const field = input.fields.find((f) => f.name === name);
      if (!field) throw new InternalError(`group_by column "${name}" is not in the input schema`);
      return { ...field, nullable: field.nullable ?? true };
    });
    this.keyTypes = keyFields.map((f) => f.type);
    this.calls = aggregates.map((text) => compileAggregateCall(text, input));
    const seen = new Map<string, number>();
    this.argOf = this.calls.map((c) => {
      if (!c.arg) return -1;
      const id = `${c.arg.outputName}\u0000${c.arg.type}`;
      let index = seen.get(id);
      if (index === undefined) seen.set(id, (index = this.args.push(c.arg) - 1));
      return index;
    });
    this.hasText = this.calls.some((c) => (c.fn === 'min' || c.fn === 'max') && c.type === 'utf8');
    this.outputSchema = { fields: [...keyFields, ...this.calls.map((c) => ({ name: c.outputName, type: c.type, nullable: c.nullable }))] };
    this.state = new KeyedState(stateCodec(this.calls.length, this.hasText));
    this.blank = new Array<number>(2 * this.calls.length).fill(0.5).fill(0);
  }

  /** Number of keys held. */
  get keys(): number {
    return this.state.size;
  }

  process(batch: arrow.RecordBatch): arrow.RecordBatch | null {
    if (batch.numRows === 0) return null;
    const hashes = hashKeys(batch, this.groupBy);
    const keys = new KeyColumns(batch, this.groupBy, this.keyTypes);
    const { count, gid, first } = this.grouper.group(hashes, keys);
    const states = this.lookup(count, first, hashes, keys);
    const args = this.args.map((a) => readArg(a.evaluate(batch)));
    const columns: arrow.Vector[] = this.groupBy.map((name) => new arrow.Vector([takeData(singleData(batch.getChild(name)!), first)]));
    this.calls.forEach((call, j) => {
      const values = new Float64Array(count);
      const counts = new Float64Array(count);
      for (let g = 0; g < count; g++) {
        values[g] = states[g]!.nums[2 * j]!;
        counts[g] = states[g]!.nums[2 * j + 1]!;
      }
      const texts = this.update(call, this.argOf[j] === -1 ? null : args[this.argOf[j]!]!, j, gid, states, values, counts);
      for (let g = 0; g < count; g++) {
        states[g]!.nums[2 * j] = values[g]!;
        states[g]!.nums[2 * j + 1] = counts[g]!;
      }
      columns.push(aggregateColumn(call.fn, call.type, values, counts, texts));
    });
    return batchFromColumns(this.outputSchema, columns);
  }

  snapshot(): KeyedSnapshot {
    return this.state.snapshot();
  }

  restore(snapshots: KeyedSnapshot[]): void {
    this.state.restore(snapshots, keyGroupRange(this.ctx.subtaskIndex, this.ctx.parallelism));
  }

  /** Each group's state, created on first sight (the only allocation per key). */
  private lookup(count: number, first: Int32Array, hashes: Uint32Array, keys: KeyColumns): GroupState[] {
    const states = new Array<GroupState>(count);
    const n = this.calls.length;
    for (let g = 0; g < count; g++) {
      const row = first[g]!;
      const kg = keyGroupOfHash(hashes[row]!);
      const key = keys.encode(row);
      let s = this.state.get(kg, key);
      if (!s) this.state.set(kg, key, (s = { nums: this.blank.slice(), texts: this.hasText ? new Array(n).fill(null) : null }));
      states[g] = s;
    }
    return states;
  }

  /** Folds the batch into `values`/`counts`; for text min/max returns the groups' new texts. */
  private update(call: AggregateCall, arg: ArgColumn | null, j: number, gid: Int32Array, states: GroupState[], values: Float64Array, counts: Float64Array): (Uint8Array | null)[] | null {
    if (!arg) {
      countRows(gid, counts);
      return null;
    }
    const off = arg.data.offset;
    if (call.fn === 'count') {
      countValid(gid, arg.valid, off, counts);
      return null;
    }
    if (call.type === 'utf8') {
      const running = states.map((s) => s.texts![j] ?? null);
      textMinMax(gid, states.length, arg.data.valueOffsets, arg.data.values as Uint8Array, arg.valid, off, call.fn === 'max', running, counts);
      states.forEach((s, g) => (s.texts![j] = running[g] ?? null));
      return running;
    }
    const x = (arg.numbers ??= numbersOf(arg.data));
    if (call.fn === 'min') minValues(gid, x, arg.valid, off, values, counts);
    else if (call.fn === 'max') maxValues(gid, x, arg.valid, off, values, counts);
    else sumValues(gid, x, arg.valid, off, values, counts);
    return null;
  }
}

function readArg(v: arrow.Vector): ArgColumn {
  const data = singleData(v);
  return { data, valid: validityOf(data), numbers: null };
}

/** A numeric or timestamp column as doubles: zero-copy for float64 (values are sliced to row 0). */
function numbersOf(data: arrow.Data): Float64Array {
  if (data.values instanceof Float64Array) return data.values.subarray(0, data.length);
  return int64AsFloat64(new arrow.Vector([data]));
}
