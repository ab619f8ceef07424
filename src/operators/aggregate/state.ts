// One group's running state (a key in the aggregate, a (window, key) in window_aggregate), and
// its snapshot form (msgpack-able: numbers, strings and byte arrays).

import { InternalError, JobRuntimeError } from '../../errors.js';
import type { StateCodec } from '../../state/keyed-state.js';
import type { AggregateUdf } from '../../sql/expr/udf-types.js';
import { type AggregateCall, isText } from './calls.js';
import type { DistinctSet } from './distinct.js';

/** One group's running state. */
export interface GroupState {
  /**
   * Per aggregate j: [2j] the running value (sum, min or max), [2j+1] how many values it has seen
   * (for count(DISTINCT) the set's size). A plain array of doubles: a third of a small
   * Float64Array's memory per key, and cheaper to make.
   */
  nums: number[];
  /** Per aggregate: the running min/max of a text argument as UTF-8 bytes; null without text aggregates. */
  texts: (Uint8Array | null)[] | null;
  /** Per aggregate: the values count(DISTINCT) has seen; null without such aggregates. */
  sets: (DistinctSet | null)[] | null;
  /**
   * Per aggregate: an aggregate UDF's accumulator (plain data, as udf-api.ts asks: it is
   * snapshotted as it is); null without UDF aggregates. For a UDAF, nums[2j+1] counts the rows added.
   */
  accs: unknown[] | null;
  /** Processing time of the last update (TTL); not snapshotted. */
  seen: number;
}

/** Which parts a state of these calls has. */
export interface StateLayout {
  readonly aggregates: number;
  readonly hasText: boolean;
  /** Indexes of the count(DISTINCT) calls; empty when none. */
  readonly distinct: readonly number[];
  /** Per aggregate, its UDF when it is one; null when no aggregate is. */
  readonly udafs: readonly (AggregateUdf | null)[] | null;
}

export function stateLayout(calls: readonly AggregateCall[]): StateLayout {
  return {
    aggregates: calls.length,
    hasText: calls.some(isText),
    distinct: calls.flatMap((c, j) => (c.distinct ? [j] : [])),
    udafs: calls.some((c) => c.udaf) ? calls.map((c) => c.udaf ?? null) : null,
  };
}

/** A fresh state; `blank` is a zeroed nums array to copy (see AggregateOperator.blank). */
export function newGroupState(layout: StateLayout, blank: number[]): GroupState {
  let sets: (DistinctSet | null)[] | null = null;
  if (layout.distinct.length > 0) {
    sets = new Array<DistinctSet | null>(layout.aggregates).fill(null);
    for (const j of layout.distinct) sets[j] = new Set();
  }
  const accs = layout.udafs && newAccs(layout.udafs);
  return { nums: blank.slice(), texts: layout.hasText ? new Array(layout.aggregates).fill(null) : null, sets, accs, seen: 0 };
}

/** Fresh accumulators: create() of each UDF aggregate, null for the others. */
export function newAccs(udafs: readonly (AggregateUdf | null)[]): unknown[] {
  return udafs.map((u) => (u ? createAcc(u) : null));
}

export function createAcc(udaf: AggregateUdf): unknown {
  return callUdaf(udaf, 'create', () => udaf.create());
}

/** Runs a UDAF method; what it throws fails the job as a user error naming the function. */
export function callUdaf<T>(udaf: AggregateUdf, method: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof JobRuntimeError) throw err;
    const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new JobRuntimeError(`${udaf.name}() ${method} threw ${why}`, { domain: 'user', retryable: false, cause: err });
  }
}

/** A deep copy of an accumulator (plain data); fails the job when it is not plain data. */
export function copyAcc(udaf: AggregateUdf, acc: unknown): unknown {
  if (acc === null || typeof acc !== 'object') return acc;
  try {
    return structuredClone(acc);
  } catch (err) {
    throw new JobRuntimeError(`${udaf.name}() accumulator is not plain data (numbers, strings, booleans, null, arrays and plain objects)`, {
      domain: 'user',
      retryable: false,
      cause: err,
    });
  }
}

/** A zeroed nums array holding unboxed doubles from the start (so its copies do too). */
export function blankNums(layout: StateLayout): number[] {
  return new Array<number>(2 * layout.aggregates).fill(0.5).fill(0);
}

/**
 * Snapshot form of a state: `[nums, texts]`, plus `sets` (one value list per aggregate, null but
 * for count(DISTINCT)) when there are distinct counts, so states without them keep their form;
 * with UDF aggregates also `accs` (`[nums, texts, sets | null, accs]`, accumulators copied).
 */
export function stateCodec(layout: StateLayout): StateCodec<GroupState> {
  const { aggregates, hasText, distinct, udafs } = layout;
  const length = udafs ? 4 : distinct.length === 0 ? 2 : 3;
  return {
    encode: (s) => {
      const base = [s.nums.slice(), s.texts && [...s.texts]];
      if (distinct.length === 0 && !udafs) return base;
      const withSets = [...base, distinct.length === 0 ? null : s.sets!.map((set) => set && [...set])];
      return udafs ? [...withSets, s.accs!.map((a, j) => (udafs[j] ? copyAcc(udafs[j], a) : null))] : withSets;
    },
    decode(data) {
      const [nums, texts, sets, accs] = Array.isArray(data) ? data : [];
      const ok =
        Array.isArray(data) && data.length === length &&
        Array.isArray(nums) && nums.length === 2 * aggregates && nums.every((x) => typeof x === 'number') &&
        (hasText
          ? Array.isArray(texts) && texts.length === aggregates && texts.every((t) => t === null || t instanceof Uint8Array)
          : texts === null) &&
        (!udafs || (Array.isArray(accs) && accs.length === aggregates && accs.every((a, j) => udafs[j] !== null || a === null))) &&
        (distinct.length === 0 ? sets === undefined || sets === null :
          (Array.isArray(sets) && sets.length === aggregates &&
            sets.every((v, j) => (distinct.includes(j) ? Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'string') : v === null))));
      if (!ok) throw new InternalError(`aggregate state does not match its ${aggregates} aggregates`);
      return {
        nums: (nums as number[]).slice(),
        texts: hasText ? (texts as (Uint8Array | null)[]).map((t) => t && Uint8Array.from(t)) : null,
        sets: distinct.length === 0 ? null : (sets as (unknown[] | null)[]).map((v) => v && new Set(v as (number | string)[])),
        accs: udafs ? (accs as unknown[]).map((a, j) => (udafs[j] ? copyAcc(udafs[j], a) : null)) : null,
        seen: 0,
      };
    },
  };
}
