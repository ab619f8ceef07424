// One key's running state in the aggregate, and its snapshot form (msgpack-able: numbers and
// byte arrays).

import { InternalError } from '../../errors.js';
import type { StateCodec } from '../../state/keyed-state.js';

/** One key's running state. */
export interface GroupState {
  /**
   * Per aggregate j: [2j] the running value (sum, min or max), [2j+1] how many values it has seen.
   * A plain array of doubles: a third of a small Float64Array's memory per key, and cheaper to make.
   */
  nums: number[];
  /** Per aggregate: the running min/max of a text argument as UTF-8 bytes; null without text aggregates. */
  texts: (Uint8Array | null)[] | null;
}

/** Snapshot form of a key's state: `[nums as a number list, texts]`, texts as byte arrays. */
export function stateCodec(aggregates: number, hasText: boolean): StateCodec<GroupState> {
  return {
    encode: (s) => [s.nums.slice(), s.texts && [...s.texts]],
    decode(data) {
      const [nums, texts] = Array.isArray(data) ? data : [];
      const ok =
        Array.isArray(nums) && nums.length === 2 * aggregates && nums.every((x) => typeof x === 'number') &&
        (hasText
          ? Array.isArray(texts) && texts.length === aggregates && texts.every((t) => t === null || t instanceof Uint8Array)
          : texts === null);
      if (!ok) throw new InternalError(`aggregate state does not match its ${aggregates} aggregates`);
      return { nums: (nums as number[]).slice(), texts: hasText ? (texts as (Uint8Array | null)[]).map((t) => t && Uint8Array.from(t)) : null };
    },
  };
}
