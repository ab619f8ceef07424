// Folding a batch into groups' states, shared by `aggregate` and `window_aggregate`: each
// aggregate's running (value, count) of the touched groups is gathered into two Float64Arrays
// indexed by a batch-local group id, the update kernels (accumulate.ts) run over the rows, and the
// results are scattered back. Several row→group maps may be folded in one go (a hop window sends
// each row to several windows), so each state is gathered and scattered once per batch.

import * as arrow from 'apache-arrow';
import { int64AsFloat64, singleData, validityOf } from '../../dataflow/arrow/index.js';
import { countRows, countRowsWeighted, countValid, countValidWeighted, maxValues, minValues, sumValues, sumValuesWeighted, textMinMax } from './accumulate.js';
import { type AggregateCall, type AggregateFn, isText } from './calls.js';
import { addDistinct, type DistinctSet } from './distinct.js';
import { aggregateColumn } from './output.js';
import { callUdaf, copyAcc, type GroupState } from './state.js';
import type { AggregateUdf } from '../../sql/expr/udf-types.js';
import { jsValues, vectorFromJs } from '../../sql/expr/udf-values.js';

/** An aggregate argument evaluated over one batch. */
export interface ArgColumn {
  data: arrow.Data;
  valid: Uint8Array | null;
  numbers: Float64Array | null;
  /** The JS values (for aggregate UDFs), made on first use. */
  js: unknown[] | null;
}

/** Per aggregate, the values of groups 0..G-1: what aggregateColumn turns into a column. */
export interface Folded {
  values: Float64Array[];
  counts: Float64Array[];
  /** Text min/max: each group's bytes; null for other aggregates. */
  texts: ((Uint8Array | null)[] | null)[];
  /** Aggregate UDFs: each group's accumulator; null for other aggregates. */
  accs: (unknown[] | null)[];
}

/** Folded plus, for count(DISTINCT), each group's set (updated in place by the kernels). */
export interface Running extends Folded {
  sets: (DistinctSet[] | null)[];
}

export class AggregateFolder {
  /** Distinct arguments (evaluated once per batch) and each call's index into them (-1: count(*)). */
  private readonly args: NonNullable<AggregateCall['arg']>[] = [];
  private readonly argOf: number[];
  /** Aggregate UDFs: the indexes of their arguments; [] for other aggregates. */
  private readonly udafArgs: number[][];

  constructor(readonly calls: readonly AggregateCall[]) {
    const seen = new Map<string, number>();
    const indexOf = (arg: NonNullable<AggregateCall['arg']>) => {
      const id = `${arg.outputName}\u0000${arg.type}`;
      let index = seen.get(id);
      if (index === undefined) seen.set(id, (index = this.args.push(arg) - 1));
      return index;
    };
    this.argOf = calls.map((c) => (c.arg ? indexOf(c.arg) : -1));
    this.udafArgs = calls.map((c) => (c.udaf ? (c.args ?? []).map(indexOf) : []));
  }

  /** Evaluates the arguments over a batch (once, whatever the number of row→group maps). */
  readArgs(batch: arrow.RecordBatch): ArgColumn[] {
    return this.args.map((a) => {
      const data = singleData(a.evaluate(batch));
      return { data, valid: validityOf(data), numbers: null, js: null };
    });
  }

  /**
   * Folds the batch: for every map in `gids`, row i goes into `states[gid[i]]`. Returns each
   * aggregate's new values over `states`, and with `keepBefore` also those they had before.
   * `weights` (a changelog input): row i counts weights[i] times (+1 append, -1 retract); only
   * count, sum and avg take weights (checked when the operator is made).
   */
  fold(states: readonly GroupState[], gids: readonly Int32Array[], args: ArgColumn[], keepBefore = false, weights: Float64Array | null = null): { after: Folded; before: Folded | null } {
    const out = this.gather(states);
    const before = keepBefore
      ? {
          values: out.values.map((v) => v.slice()),
          counts: out.counts.map((c) => c.slice()),
          texts: out.texts.map((t) => t && t.slice()),
          // add() may change an accumulator in place: keep copies of the values before.
          accs: out.accs.map((a, j) => a && a.map((acc) => copyAcc(this.calls[j]!.udaf!, acc))),
        }
      : null;
    this.run(out, gids, args, states.length, weights);
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
      const accs = out.accs[j];
      if (accs) for (let g = 0; g < states.length; g++) states[g]!.accs![j] = accs[g];
    });
    return { after: out, before };
  }

  /**
   * The update kernels alone, over running values already gathered (by whoever keeps the
   * state): for every map in `gids`, row i goes into group gid[i] of `out` (0 .. groups - 1).
   */
  run(out: Running, gids: readonly Int32Array[], args: ArgColumn[], groups: number, weights: Float64Array | null = null): void {
    this.calls.forEach((call, j) => {
      if (call.udaf) {
        const columns = this.udafArgs[j]!.map((k) => args[k]!);
        const values = columns.map((c, k) => (c.js ??= jsValues(new arrow.Vector([c.data]), call.args![k]!.type)));
        for (const gid of gids) addUdaf(call.udaf, values, gid, out.accs[j]!, out.counts[j]!);
        return;
      }
      const arg = this.argOf[j] === -1 ? null : args[this.argOf[j]!]!;
      for (const gid of gids) {
        if (weights) this.updateWeighted(call, arg, j, gid, out, weights);
        else this.update(call, arg, j, gid, out, groups);
      }
    });
  }

  /** Each aggregate's current values over `states`. */
  gather(states: readonly GroupState[]): Running {
    const n = states.length;
    const out: Running = { values: [], counts: [], texts: [], sets: [], accs: [] };
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
      out.accs.push(call.udaf ? states.map((s) => s.accs![j]) : null);
    });
    return out;
  }

  /** One column per aggregate. Consumes `folded` (avg divides its sums in place). */
  columns(folded: Folded): arrow.Vector[] {
    return this.calls.map((call, j) =>
      call.udaf ? udafColumn(call.udaf, folded.accs[j]!) : aggregateColumn(call.fn as AggregateFn, call.type, folded.values[j]!, folded.counts[j]!, folded.texts[j]!),
    );
  }

  /** count, sum and avg of a changelog input. */
  private updateWeighted(call: AggregateCall, arg: ArgColumn | null, j: number, gid: Int32Array, out: Running, w: Float64Array): void {
    const counts = out.counts[j]!;
    if (!arg) return countRowsWeighted(gid, w, counts);
    const off = arg.data.offset;
    if (call.fn === 'count') return countValidWeighted(gid, w, arg.valid, off, counts);
    sumValuesWeighted(gid, w, (arg.numbers ??= numbersOf(arg.data)), arg.valid, off, out.values[j]!, counts);
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

/**
 * Adds row i's arguments to `accs[gid[i]]` (rows with a NULL argument are skipped unless
 * nulls === 'call'); `counts` counts the rows added.
 */
function addUdaf(udaf: AggregateUdf, values: unknown[][], gid: Int32Array, accs: unknown[], counts: Float64Array): void {
  const arity = values.length;
  const skip = udaf.nulls !== 'call';
  const row: unknown[] = new Array<unknown>(arity);
  callUdaf(udaf, 'add', () => {
    for (let i = 0; i < gid.length; i++) {
      let hasNull = false;
      for (let k = 0; k < arity; k++) if ((row[k] = values[k]![i]) === null) hasNull = true;
      if (hasNull && skip) continue;
      const g = gid[i]!;
      accs[g] = arity === 1 ? udaf.add(accs[g], row[0]) : udaf.add(accs[g], ...row);
      counts[g]!++;
    }
  });
}

/** The output column of an aggregate UDF: result(acc) of each group. */
export function udafResults(udaf: AggregateUdf, accs: readonly unknown[]): unknown[] {
  return callUdaf(udaf, 'result', () => accs.map((acc) => udaf.result(acc)));
}

function udafColumn(udaf: AggregateUdf, accs: readonly unknown[]): arrow.Vector {
  return vectorFromJs(udafResults(udaf, accs), udaf.returns, `${udaf.name}()`);
}

/** A numeric or timestamp column as doubles: zero-copy for float64 (values are sliced to row 0). */
function numbersOf(data: arrow.Data): Float64Array {
  if (data.values instanceof Float64Array) return data.values.subarray(0, data.length);
  return int64AsFloat64(new arrow.Vector([data]));
}
