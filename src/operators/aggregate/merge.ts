// Merging one group's state into another's (session windows join two sessions when a row bridges
// them). The result is what folding both groups' rows into one state would have given: counts and
// sums add, min/max keep the better value with the kernels' NaN rule, distinct sets unite,
// aggregate UDFs merge(dst, src) their accumulators.

import { compareBytes } from '../../sql/expr/utf8.js';
import type { AggregateCall } from './calls.js';
import { callUdaf, type GroupState } from './state.js';

/** Folds `src` into `dst`; `src` is left as it was and should be dropped. */
export function mergeState(calls: readonly AggregateCall[], dst: GroupState, src: GroupState): void {
  calls.forEach((call, j) => {
    const v = 2 * j;
    const c = v + 1;
    const srcCount = src.nums[c]!;
    const udaf = call.udaf;
    if (udaf) {
      const a = dst.accs![j];
      const b = src.accs![j];
      dst.accs![j] = callUdaf(udaf, 'merge', () => udaf.merge(a, b));
      dst.nums[c] = dst.nums[c]! + srcCount;
      return;
    }
    if (call.distinct) {
      const into = dst.sets![j]!;
      for (const x of src.sets![j]!) into.add(x);
      dst.nums[c] = into.size;
      return;
    }
    if (srcCount === 0) return;
    const dstCount = dst.nums[c]!;
    dst.nums[c] = dstCount + srcCount;
    if (call.fn === 'count') return;
    if (call.fn === 'sum' || call.fn === 'avg') {
      dst.nums[v] = dst.nums[v]! + src.nums[v]!;
      return;
    }
    const isMax = call.fn === 'max';
    if (call.type === 'utf8') {
      const a = dst.texts![j] ?? null;
      const b = src.texts![j] ?? null;
      if (b === null) return;
      if (a === null || (isMax ? compareBytes(b, 0, b.length, a, 0, a.length) > 0 : compareBytes(b, 0, b.length, a, 0, a.length) < 0)) dst.texts![j] = b;
      return;
    }
    const cur = dst.nums[v]!;
    const x = src.nums[v]!;
    // As minValues/maxValues: min lets a NaN give way to anything, max lets NaN win.
    if (dstCount === 0 || (isMax ? x > cur || x !== x : x < cur || cur !== cur)) dst.nums[v] = x;
  });
}
