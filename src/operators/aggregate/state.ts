// One group's running state (a key in the aggregate, a (window, key) in window_aggregate), and
// its snapshot form (msgpack-able: numbers, strings and byte arrays).

import { InternalError } from '../../errors.js';
import type { StateCodec } from '../../state/keyed-state.js';
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
  /** Processing time of the last update (TTL); not snapshotted. */
  seen: number;
}

/** Which parts a state of these calls has. */
export interface StateLayout {
  readonly aggregates: number;
  readonly hasText: boolean;
  /** Indexes of the count(DISTINCT) calls; empty when none. */
  readonly distinct: readonly number[];
}

export function stateLayout(calls: readonly AggregateCall[]): StateLayout {
  return {
    aggregates: calls.length,
    hasText: calls.some(isText),
    distinct: calls.flatMap((c, j) => (c.distinct ? [j] : [])),
  };
}

/** A fresh state; `blank` is a zeroed nums array to copy (see AggregateOperator.blank). */
export function newGroupState(layout: StateLayout, blank: number[]): GroupState {
  let sets: (DistinctSet | null)[] | null = null;
  if (layout.distinct.length > 0) {
    sets = new Array<DistinctSet | null>(layout.aggregates).fill(null);
    for (const j of layout.distinct) sets[j] = new Set();
  }
  return { nums: blank.slice(), texts: layout.hasText ? new Array(layout.aggregates).fill(null) : null, sets, seen: 0 };
}

/** A zeroed nums array holding unboxed doubles from the start (so its copies do too). */
export function blankNums(layout: StateLayout): number[] {
  return new Array<number>(2 * layout.aggregates).fill(0.5).fill(0);
}

/**
 * Snapshot form of a state: `[nums, texts]`, plus `sets` (one value list per aggregate, null but
 * for count(DISTINCT)) when there are distinct counts, so states without them keep their form.
 */
export function stateCodec(layout: StateLayout): StateCodec<GroupState> {
  const { aggregates, hasText, distinct } = layout;
  return {
    encode: (s) => {
      const base = [s.nums.slice(), s.texts && [...s.texts]];
      return distinct.length === 0 ? base : [...base, s.sets!.map((set) => set && [...set])];
    },
    decode(data) {
      const [nums, texts, sets] = Array.isArray(data) ? data : [];
      const ok =
        Array.isArray(data) && data.length === (distinct.length === 0 ? 2 : 3) &&
        Array.isArray(nums) && nums.length === 2 * aggregates && nums.every((x) => typeof x === 'number') &&
        (hasText
          ? Array.isArray(texts) && texts.length === aggregates && texts.every((t) => t === null || t instanceof Uint8Array)
          : texts === null) &&
        (distinct.length === 0 ||
          (Array.isArray(sets) && sets.length === aggregates &&
            sets.every((v, j) => (distinct.includes(j) ? Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'string') : v === null))));
      if (!ok) throw new InternalError(`aggregate state does not match its ${aggregates} aggregates`);
      return {
        nums: (nums as number[]).slice(),
        texts: hasText ? (texts as (Uint8Array | null)[]).map((t) => t && Uint8Array.from(t)) : null,
        sets: distinct.length === 0 ? null : (sets as (unknown[] | null)[]).map((v) => v && new Set(v as (number | string)[])),
        seen: 0,
      };
    },
  };
}
