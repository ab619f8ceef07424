// Columnar state of tumble/hop windows: each open (window, key) is a slot, and every aggregate's
// running value and count live in one Float64Array per aggregate indexed by slot (text min/max
// distinct sets and aggregate UDF accumulators in plain arrays beside them). No object per (window, key): a batch gathers
// its slots' values into dense arrays by local id, runs the kernels, and scatters them back, all
// over typed arrays. Freed slots are reused.

import { type AggregateCall, isText } from '../aggregate/calls.js';
import type { DistinctSet } from '../aggregate/distinct.js';
import type { Folded, Running } from '../aggregate/fold.js';
import { createAcc, type GroupState } from '../aggregate/state.js';

export class SlotPool {
  /** The key id and window index of each slot. */
  keyIds = new Int32Array(0);
  windows = new Float64Array(0);
  private values: Float64Array[];
  private counts: Float64Array[];
  private readonly texts: ((Uint8Array | null)[] | null)[];
  private readonly sets: ((DistinctSet | null)[] | null)[];
  /** Aggregate UDFs: each slot's accumulator. */
  private readonly accs: (unknown[] | null)[];
  private readonly free: number[] = [];
  private capacity = 0;
  private used = 0;

  constructor(private readonly calls: readonly AggregateCall[]) {
    this.values = calls.map(() => new Float64Array(0));
    this.counts = calls.map(() => new Float64Array(0));
    this.texts = calls.map((c) => (isText(c) ? [] : null));
    this.sets = calls.map((c) => (c.distinct ? [] : null));
    this.accs = calls.map((c) => (c.udaf ? [] : null));
  }

  /** Slots in use. */
  get size(): number {
    return this.used;
  }

  /** A slot for (keyId, window w), every aggregate empty. */
  alloc(keyId: number, w: number): number {
    const slot = this.free.pop() ?? this.grow();
    this.keyIds[slot] = keyId;
    this.windows[slot] = w;
    for (let j = 0; j < this.calls.length; j++) {
      this.values[j]![slot] = 0;
      this.counts[j]![slot] = 0;
      const texts = this.texts[j];
      if (texts) texts[slot] = null;
      const sets = this.sets[j];
      if (sets) sets[slot] = new Set();
      const accs = this.accs[j];
      if (accs) accs[slot] = createAcc(this.calls[j]!.udaf!);
    }
    this.used++;
    return slot;
  }

  release(slot: number): void {
    for (let j = 0; j < this.calls.length; j++) {
      const texts = this.texts[j];
      if (texts) texts[slot] = null;
      const sets = this.sets[j];
      if (sets) sets[slot] = null;
      const accs = this.accs[j];
      if (accs) accs[slot] = null;
    }
    this.windows[slot] = NaN;
    this.free.push(slot);
    this.used--;
  }

  /**
   * The running values of `slots` by local id (index 0 is a scratch group, not a slot: it
   * starts empty and is never written back).
   */
  gather(slots: Int32Array): Running {
    const n = slots.length;
    const out: Running = { values: [], counts: [], texts: [], sets: [], accs: [] };
    for (let j = 0; j < this.calls.length; j++) {
      const [from, fromCounts] = [this.values[j]!, this.counts[j]!];
      const values = new Float64Array(n);
      const counts = new Float64Array(n);
      for (let l = 1; l < n; l++) {
        const s = slots[l]!;
        values[l] = from[s]!;
        counts[l] = fromCounts[s]!;
      }
      out.values.push(values);
      out.counts.push(counts);
      const texts = this.texts[j];
      out.texts.push(texts ? Array.from(slots, (s, l) => (l === 0 ? null : texts[s]!)) : null);
      const sets = this.sets[j];
      out.sets.push(sets ? Array.from(slots, (s, l) => (l === 0 ? new Set() : sets[s]!)) : null);
      const accs = this.accs[j];
      const udaf = this.calls[j]!.udaf;
      out.accs.push(accs && udaf ? Array.from(slots, (s, l) => (l === 0 ? createAcc(udaf) : accs[s])) : null);
    }
    return out;
  }

  /** The values of `slots` for output, row r showing slots[r]. */
  read(slots: Int32Array): Folded {
    return {
      values: this.values.map((v) => Float64Array.from(slots, (s) => v[s]!)),
      counts: this.counts.map((c) => Float64Array.from(slots, (s) => c[s]!)),
      texts: this.texts.map((t) => t && Array.from(slots, (s) => t[s]!)),
      accs: this.accs.map((a) => a && Array.from(slots, (s) => a[s])),
    };
  }

  /** Writes gathered values back (local ids 1 .. n - 1; sets were updated in place). */
  scatter(slots: Int32Array, running: Running): void {
    for (let j = 0; j < this.calls.length; j++) {
      const [to, toCounts] = [this.values[j]!, this.counts[j]!];
      const [values, counts] = [running.values[j]!, running.counts[j]!];
      for (let l = 1; l < slots.length; l++) {
        const s = slots[l]!;
        to[s] = values[l]!;
        toCounts[s] = counts[l]!;
      }
      const texts = this.texts[j];
      const from = running.texts[j];
      if (texts && from) for (let l = 1; l < slots.length; l++) texts[slots[l]!] = from[l]!;
      const accs = this.accs[j];
      const fromAccs = running.accs[j];
      if (accs && fromAccs) for (let l = 1; l < slots.length; l++) accs[slots[l]!] = fromAccs[l];
    }
  }

  /** A slot's state in the aggregate's form (for snapshots); shares its sets. */
  state(slot: number): GroupState {
    const nums: number[] = [];
    for (let j = 0; j < this.calls.length; j++) nums.push(this.values[j]![slot]!, this.counts[j]![slot]!);
    return {
      nums,
      texts: this.texts.some((t) => t) ? this.texts.map((t) => (t ? t[slot]! : null)) : null,
      sets: this.sets.some((s) => s) ? this.sets.map((s) => (s ? s[slot]! : null)) : null,
      accs: this.accs.some((a) => a) ? this.accs.map((a) => (a ? a[slot] : null)) : null,
      seen: 0,
    };
  }

  /** Loads a restored state into a slot. */
  load(slot: number, state: GroupState): void {
    for (let j = 0; j < this.calls.length; j++) {
      this.values[j]![slot] = state.nums[2 * j]!;
      this.counts[j]![slot] = state.nums[2 * j + 1]!;
      const texts = this.texts[j];
      if (texts) texts[slot] = state.texts![j] ?? null;
      const sets = this.sets[j];
      if (sets) sets[slot] = state.sets![j] ?? new Set();
      const accs = this.accs[j];
      if (accs) accs[slot] = state.accs![j];
    }
  }

  clear(): void {
    this.free.length = 0;
    this.capacity = 0;
    this.used = 0;
    this.keyIds = new Int32Array(0);
    this.windows = new Float64Array(0);
    this.values = this.calls.map(() => new Float64Array(0));
    this.counts = this.calls.map(() => new Float64Array(0));
    for (const t of this.texts) if (t) t.length = 0;
    for (const s of this.sets) if (s) s.length = 0;
    for (const a of this.accs) if (a) a.length = 0;
  }

  /** Doubles the slots; returns the first new one, the rest go on the free list. */
  private grow(): number {
    const from = this.capacity;
    const to = Math.max(256, 2 * from);
    this.keyIds = resized(this.keyIds, to);
    this.windows = resized(this.windows, to);
    this.values = this.values.map((v) => resized(v, to));
    this.counts = this.counts.map((c) => resized(c, to));
    for (let s = to - 1; s > from; s--) this.free.push(s);
    this.capacity = to;
    return from;
  }
}

function resized<T extends Int32Array | Float64Array>(a: T, length: number): T {
  const out = new (a.constructor as new (n: number) => T)(length);
  out.set(a);
  return out;
}
