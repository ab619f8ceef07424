// The updating aggregate's changelog (SQL `updating: true`, Arroyo/Flink style): for every group
// a batch changed, a `retract` row with the values it had emitted before (unless it is new) and
// then an `append` row with its new values, in the trailing utf8 column `_op`. A group whose
// values did not change (e.g. max fed a smaller value) emits nothing, as Flink does without TTL.

import type { Vector } from 'apache-arrow';
import { makeUtf8Column } from '../../dataflow/arrow/index.js';
import type { AggregateCall } from './calls.js';
import { type Folded, udafResults } from './fold.js';

export const OP_COLUMN = '_op';
export const RETRACT = 'retract';
export const APPEND = 'append';
const RETRACT_BYTES = new TextEncoder().encode(RETRACT);
const APPEND_BYTES = new TextEncoder().encode(APPEND);

/** Output rows: the group each shows and whether it is that group's retraction. */
export interface Changelog {
  group: Int32Array;
  retract: Uint8Array;
}

/**
 * `existed[g]` = 1 when group g had been emitted before this batch. `alive` (a changelog input):
 * a group with `alive[g]` = 0 has no rows left, so it only retracts what it had emitted.
 */
export function changelog(calls: readonly AggregateCall[], existed: Uint8Array, before: Folded, after: Folded, alive?: Uint8Array): Changelog {
  const count = existed.length;
  // An aggregate UDF's value is result(acc); compare the results before and after.
  const results = calls.map((c, j) => c.udaf && { before: udafResults(c.udaf, before.accs[j]!), after: udafResults(c.udaf, after.accs[j]!) });
  const group = new Int32Array(2 * count);
  const retract = new Uint8Array(2 * count);
  let rows = 0;
  for (let g = 0; g < count; g++) {
    if (alive && !alive[g]) {
      if (existed[g]) {
        group[rows] = g;
        retract[rows++] = 1;
      }
      continue;
    }
    if (existed[g]) {
      if (!changed(calls, g, before, after, results)) continue;
      group[rows] = g;
      retract[rows++] = 1;
    }
    group[rows++] = g;
  }
  return { group: group.subarray(0, rows), retract: retract.subarray(0, rows) };
}

/** Whether any output value differs (counts of non-null values matter only to count and avg). */
function changed(calls: readonly AggregateCall[], g: number, before: Folded, after: Folded, results: ({ before: unknown[]; after: unknown[] } | null | undefined)[]): boolean {
  for (let j = 0; j < calls.length; j++) {
    const fn = calls[j]!.fn;
    const r = results[j];
    if (r) {
      if (!sameValue(r.before[g], r.after[g])) return true;
      continue;
    }
    const was = before.counts[j]![g]!;
    const is = after.counts[j]![g]!;
    if (fn === 'count') {
      if (was !== is) return true;
      continue;
    }
    if (was === 0 || is === 0) {
      if (was !== is) return true;
      continue;
    }
    const texts = after.texts[j];
    if (texts) {
      if (texts[g] !== before.texts[j]![g]) return true;
      continue;
    }
    const [a, b] = fn === 'avg' ? [before.values[j]![g]! / was, after.values[j]![g]! / is] : [before.values[j]![g]!, after.values[j]![g]!];
    if (!Object.is(a, b)) return true;
  }
  return false;
}

/** Equal UDAF results: the same primitive (null and undefined alike), or equal dates. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return Object.is(a ?? null, b ?? null);
}

/** The per-row aggregate values of the changelog, picked from before/after. */
export function changelogValues(log: Changelog, before: Folded, after: Folded): Folded {
  const rows = log.group.length;
  const pick = <T>(b: T, a: T, r: number) => (log.retract[r] ? b : a);
  const out: Folded = { values: [], counts: [], texts: [], accs: [] };
  after.values.forEach((_, j) => {
    const values = new Float64Array(rows);
    const counts = new Float64Array(rows);
    const [bv, bc, av, ac] = [before.values[j]!, before.counts[j]!, after.values[j]!, after.counts[j]!];
    for (let r = 0; r < rows; r++) {
      const g = log.group[r]!;
      values[r] = log.retract[r] ? bv[g]! : av[g]!;
      counts[r] = log.retract[r] ? bc[g]! : ac[g]!;
    }
    out.values.push(values);
    out.counts.push(counts);
    const bt = before.texts[j];
    const at = after.texts[j];
    out.texts.push(bt && at ? Array.from(log.group, (g, r) => pick(bt[g] ?? null, at[g] ?? null, r)) : null);
    const ba = before.accs[j];
    const aa = after.accs[j];
    out.accs.push(ba && aa ? Array.from(log.group, (g, r) => pick(ba[g], aa[g], r)) : null);
  });
  return out;
}

/** The `_op` column: `retract` or `append` per row. */
export function opColumn(retract: Uint8Array): Vector {
  const [r, a] = [RETRACT_BYTES, APPEND_BYTES];
  const offsets = new Int32Array(retract.length + 1);
  let total = 0;
  for (let i = 0; i < retract.length; i++) offsets[i + 1] = total += retract[i] ? r.length : a.length;
  const bytes = new Uint8Array(total);
  for (let i = 0; i < retract.length; i++) bytes.set(retract[i] ? r : a, offsets[i]!);
  return makeUtf8Column(offsets, bytes);
}
