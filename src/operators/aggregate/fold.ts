// Folding a batch into groups' states, shared by `aggregate` and `window_aggregate`: each
// aggregate's running (value, count) of the touched groups is gathered into two Float64Arrays
// indexed by a batch-local group id, the update kernels (accumulate.ts) run over the rows, and the
// results are scattered back. Several row→group maps may be folded in one go (a hop window sends
// each row to several windows), so each state is gathered and scattered once per batch.

import * as arrow from 'apache-arrow';
import { int64AsFloat64, singleData, validityOf } from '../../dataflow/arrow/index.js';
import { countRows, countValid, maxValues, minValues, sumValues, textMinMax } from './accumulate.js';
import { type AggregateCall, isText } from './calls.js';
import { addDistinct, type DistinctSet } from './distinct.js';
import { aggregateColumn } from './output.js';
import type { GroupState } from './state.js';

/** An aggregate argument evaluated over one batch. */
export interface ArgColumn {
  data: arrow.Data;
  valid: Uint8Array | null;
  numbers: Float64Array | null;
}

/** Per aggregate, the values of groups 0..G-1: what aggregateColumn turns into a column. */
export interface Folded {
  values: Float64Array[];
  counts: Float64Array[];
  /** Text min/max: each group's bytes; null for other aggregates. */
  texts: ((Uint8Array | null)[] | null)[];
}

/** Folded plus, for count(DISTINCT), each group's set (updated in place by the kernels). */
export interface Running extends Folded {
  sets: (DistinctSet[] | null)[];
}

export class AggregateFolder {
  /** Distinct arguments (evaluated once per batch) and each call's index into them (-1: count(*)). */
  private readonly args: NonNullable<AggregateCall['arg']>[] = [];
  private readonly argOf: number[];

  constructor(readonly calls: readonly AggregateCall[]) {
    const seen = new Map<string, number>();
    this.argOf = calls.map((c) => {
      if (!c.arg) return -1;
      const id = `${c.arg.outputName}\u0000${c.arg.type}`;
      let index = seen.get(id);
      if (index === undefined) seen.set(id, (index = this.args.push(c.arg) - 1));
      return index;
    });
  }

  /** Evaluates the arguments over a batch (once, whatever the number of row→group maps). */
  readArgs(batch: arrow.RecordBatch): ArgColumn[] {
    return this.args.map((a) => {
      const data = singleData(a.evaluate(batch));
      return { data, valid: validityOf(data), numbers: null };
    });
  }

  /**
   * Folds the batch: for every map in `gids`, row i goes into `states[gid[i]]`. Returns each
   * aggregate's new values over `states`, and with `keepBefore` also those they had before.
   */
  fold(states: readonly GroupState[], gids: readonly Int32Array[], args: ArgColumn[], keepBefore = false): { after: Folded; before: Folded | null } {
    const out = this.gather(states);
    const before = keepBefore
      ? { values: out.values.map((v) => v.slice()), counts: out.counts.map((c) => c.slice()), texts: out.texts.map((t) => t && t.slice()) }
      : null;
    this.run(out, gids, args, states.length);
    this.calls.forEach((_, j) => {
      const values = out.values[j]!;
      const counts = out.counts[j]!;
      for (let g = 0; g < states.length; g++) {
        const nums = states[g]!.nums;
        nums[2 * j] = values[g]!;
        nums[2 * j + 1] = counts[g]!;
      }
      const texts = out.texts[j];
      if (texts) for (let g = 0; g < states.length; g++) states[g]!.texts![j] = texts[g]!;
    });
    return { after: out, before };
  }

  /**
   * The update kernels alone, over running values already gathered (by whoever keeps the
   * state): for every map in `gids`, row i goes into group gid[i] of `out` (0 .. groups - 1).
   */
  run(out: Running, gids: readonly Int32Array[], args: ArgColumn[], groups: number): void {
    this.calls.forEach((call, j) => {
      const arg = this.argOf[j] === -1 ? null : args[this.argOf[j]!]!;
      for (const gid of gids) this.update(call, arg, j, gid, out, groups);
    });
  }

  /** Each aggregate's current values over `states`. */
  gather(states: readonly GroupState[]): Running {
    const n = states.length;
    const out: Running = { values: [], counts: [], texts: [], sets: [] };
    this.calls.forEach((call, j) => {
      const values = new Float64Array(n);
      const counts = new Float64Array(n);
      for (let g = 0; g < n; g++) {
        const nums = states[g]!.nums;
        values[g] = nums[2 * j]!;
        counts[g] = nums[2 * j + 1]!;
      }
      out.values.push(values);
      out.counts.push(counts);
      out.texts.push(isText(call) ? states.map((s) => s.texts![j] ?? null) : null);
      out.sets.push(call.distinct ? states.map((s) => s.sets![j] as DistinctSet) : null);
    });
    return out;
  }

  /** One column per aggregate. Consumes `folded` (avg divides its sums in place). */
  columns(folded: Folded): arrow.Vector[] {
    return this.calls.map((call, j) => aggregateColumn(call.fn, call.type, folded.values[j]!, folded.counts[j]!, folded.texts[j]!));
  }

  private update(call: AggregateCall, arg: ArgColumn | null, j: number, gid: Int32Array, out: Running, groups: number): void {
    const values = out.values[j]!;
    const counts = out.counts[j]!;
    if (!arg) return countRows(gid, counts);
    const off = arg.data.offset;
    if (call.distinct) {
      const sets = out.sets[j]!;
      addDistinct(gid, arg.data, call.arg!.type, arg.valid, off, sets);
      for (let g = 0; g < groups; g++) counts[g] = sets[g]!.size;
      return;
    }
    if (call.fn === 'count') return countValid(gid, arg.valid, off, counts);
    if (call.type === 'utf8') {
      textMinMax(gid, groups, arg.data.valueOffsets, arg.data.values as Uint8Array, arg.valid, off, call.fn === 'max', out.texts[j]!, counts);
      return;
    }
    const x = (arg.numbers ??= numbersOf(arg.data));
    if (call.fn === 'min') minValues(gid, x, arg.valid, off, values, counts);
    else if (call.fn === 'max') maxValues(gid, x, arg.valid, off, values, counts);
    else sumValues(gid, x, arg.valid, off, values, counts);
  }
}

/** A numeric or timestamp column as doubles: zero-copy for float64 (values are sliced to row 0). */
function numbersOf(data: arrow.Data): Float64Array {
  if (data.values instanceof Float64Array) return data.values.subarray(0, data.length);
  return int64AsFloat64(new arrow.Vector([data]));
}
