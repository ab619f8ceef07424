// Tumble and hop windows (tumble = hop with slide = size), aligned to epoch 0: window w is
// [w·slide, w·slide + size). A row at time t is in windows floor(t/slide) − k for k = 0 .. m−1,
// m = ceil(size/slide), each as long as it still reaches past t.
//
// Per batch: each row's newest window is computed with arithmetic over the time column; the
// batch's distinct (window, key) pairs get local ids through a dense table (PairIndex), one state
// lookup per pair; then for each k a row→local id map is filled and everything is folded at once
// (aggregate/fold.ts) over the pairs' slots, gathered from the columnar SlotPool: no object per
// row or per (window, key). Local id 0 is a scratch group that soaks up rows a window does not
// take (no time, already closed), so the kernels need no branch for them.
//
// A window is complete once the watermark reaches end − 1; its rows (one per key, keys in order)
// are emitted then and its state dropped. A row all of whose windows are complete is late: it is
// dropped and counted. A hop row only some of whose windows are complete still counts in the
// others (Flink's rule: lateness is per window; the row is counted late only when no window takes it).
// A row whose event time is NULL belongs to no window: it is skipped, not counted as late.

import type * as arrow from 'apache-arrow';
import { InternalError } from '../../errors.js';
import type { Schema } from '../../types.js';
import type { KeyedSnapshot, OperatorContext } from '../types.js';
import { WindowOperatorBase } from './base.js';
import { type BatchKeys, eventTimes } from './batch-keys.js';
import { ClosedRows } from './emit.js';
import { PairIndex } from './pair-index.js';
import { SlotPool } from './slots.js';
import type { WindowAggregateSpec } from './schema.js';
import { addWatermark, ownedEntries, restoredWatermark, type WindowEntry } from './snapshot.js';

interface Bucket {
  /** Window index: the window starts at w · slide. */
  w: number;
  /** Slot of each key id. */
  slots: Map<number, number>;
}

export class FixedWindowAggregate extends WindowOperatorBase {
  private readonly slide: number;
  private readonly size: number;
  /** Windows a row can be in. */
  private readonly perRow: number;
  private readonly windows = new Map<number, Bucket>();
  /** Indexes of the open windows, ascending (so by end too). */
  private open: number[] = [];
  private readonly pairs = new PairIndex();
  private readonly pool: SlotPool;
  /**
   * A lookup shortcut: per key id, slot + 1 of its windows by window index mod `ways` (0: none;
   * checked against the slot's window, a collision falls back to the window's map). Saves two
   * map lookups per (window, key) and batch.
   */
  private recent = new Int32Array(0);
  private readonly ways: number;

  constructor(spec: WindowAggregateSpec, input: Schema, ctx: OperatorContext) {
    super(spec, input, ctx);
    const window = spec.window;
    if (window.kind === 'session') throw new InternalError('FixedWindowAggregate takes tumble or hop windows');
    this.size = window.size_ms;
    this.slide = window.kind === 'tumble' ? window.size_ms : window.slide_ms;
    this.perRow = Math.ceil(this.size / this.slide);
    // Room for a row's windows and two more held open by the watermark's lag.
    this.ways = 1 << Math.ceil(Math.log2(this.perRow + 2));
    this.pool = new SlotPool(this.folder.calls);
  }

  /** Open (window, key) states. */
  get openGroups(): number {
    return this.pool.size;
  }

  process(batch: arrow.RecordBatch): arrow.RecordBatch | null {
    const n = batch.numRows;
    if (n === 0) return null;
    const { t, valid, off } = eventTimes(batch, this.timeColumn);
    const { slide, size, perRow, watermark } = this;
    // Each row's newest window; NaN when the row has no time or that window (so every one of the
    // row's windows) is complete already.
    const newest = new Float64Array(n);
    let lo = Infinity;
    let hi = -Infinity;
    let late = 0;
    for (let i = 0; i < n; i++) {
      if (valid && ((valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 0) {
        newest[i] = NaN;
        continue;
      }
      const w = Math.floor(t[i]! / slide);
      if (w * slide + size - 1 <= watermark) {
        newest[i] = NaN;
        late++;
        continue;
      }
      newest[i] = w;
      if (w < lo) lo = w;
      if (w > hi) hi = w;
    }
    this.lateRows(late);
    if (lo > hi) return null;

    const keys = this.batchKeys(batch);
    const gid = keys.gid;
    const groups = keys.count;
    const base = lo - perRow + 1;
    // Dense: the pair (window w, key g) is entry (w - base) * groups + g, so a row's pair for its
    // k-th window is its newest window's entry minus k * groups.
    const table = this.pairs.reset(base, hi - base + 1, groups);
    const entry = table ? new Int32Array(n) : null;
    if (entry) for (let i = 0; i < n; i++) entry[i] = (newest[i]! - base) * groups + gid[i]!;
    // The first window the watermark has not completed; rows past the end of their oldest window
    // exist only when size is not a multiple of slide.
    const firstOpen = Math.floor((watermark - size + 1) / slide) + 1;
    const ragged = size % slide !== 0;
    const locals: number[] = [0];
    const gids: Int32Array[] = [];
    for (let k = 0; k < perRow; k++) {
      const into = new Int32Array(n);
      const minNewest = firstOpen + k;
      const shift = k * groups;
      const checkEnd = ragged && k === perRow - 1;
      for (let i = 0; i < n; i++) {
        const w0 = newest[i]!;
        if (!(w0 >= minNewest)) continue; // NaN too
        if (checkEnd && (w0 - k) * slide + size <= t[i]!) continue;
        let local = entry ? table![entry[i]! - shift]! : this.pairs.get(w0 - k, gid[i]!);
        if (local === 0) {
          local = locals.push(this.slotOf(w0 - k, gid[i]!, keys)) - 1;
          if (entry) table![entry[i]! - shift] = local;
          else this.pairs.set(w0 - k, gid[i]!, local);
        }
        into[i] = local;
      }
      gids.push(into);
    }
    const slots = Int32Array.from(locals);
    const running = this.pool.gather(slots);
    this.folder.run(running, gids, this.folder.readArgs(batch), slots.length);
    this.pool.scatter(slots, running);
    return null;
  }

  onWatermark(watermarkMs: number): arrow.RecordBatch | null {
    if (!(watermarkMs > this.watermark)) return null;
    this.watermark = watermarkMs;
    const { slide, size } = this;
    let closing = 0;
    while (closing < this.open.length && this.open[closing]! * slide + size - 1 <= watermarkMs) closing++;
    if (closing === 0) return null;
    const rows = new ClosedRows();
    const slots: number[] = [];
    for (const w of this.open.splice(0, closing)) {
      const bucket = this.windows.get(w)!;
      this.windows.delete(w);
      const ids = [...bucket.slots.keys()].sort((a, b) => this.keys.compare(a, b));
      for (const id of ids) {
        rows.push(id, w * slide, w * slide + size);
        slots.push(bucket.slots.get(id)!);
      }
    }
    const closed = Int32Array.from(slots);
    const out = rows.toBatch(this.outputSchema, this.keys, this.folder.columns(this.pool.read(closed)));
    for (const slot of closed) this.drop(slot);
    return out;
  }

  snapshot(): KeyedSnapshot {
    const byKey = new Map<number, WindowEntry[]>();
    for (const w of this.open) {
      const start = w * this.slide;
      for (const [id, slot] of this.windows.get(w)!.slots) {
        let list = byKey.get(id);
        if (!list) byKey.set(id, (list = []));
        list.push([start, start + this.size, this.codec.encode(this.pool.state(slot))]);
      }
    }
    const out: KeyedSnapshot = {};
    for (const [id, list] of byKey) ((out[this.keys.keyGroup(id)] ??= []) as unknown[]).push([this.keys.key(id), list]);
    addWatermark(out, this.watermark, this.ownedRange());
    return out;
  }

  restore(snapshots: KeyedSnapshot[]): void {
    this.windows.clear();
    this.open = [];
    this.recent = new Int32Array(0);
    this.pool.clear();
    this.keys.clear();
    const range = this.ownedRange();
    this.watermark = restoredWatermark(snapshots, range);
    for (const [kg, key, entries] of ownedEntries(snapshots, range)) {
      if (entries.length === 0) continue;
      const id = this.keys.intern(key, kg);
      for (const [start, end, data] of entries) {
        const w = start / this.slide;
        if (!Number.isInteger(w) || end !== start + this.size) {
          throw new InternalError(`window [${start}, ${end}) in the snapshot does not fit windows of size ${this.size} ms sliding by ${this.slide} ms`);
        }
        const bucket = this.windows.get(w) ?? this.openWindow(w);
        if (bucket.slots.has(id)) throw new InternalError(`window [${start}, ${end}) appears twice for key ${JSON.stringify(key)}`);
        const slot = this.newSlot(id, w, bucket);
        this.pool.load(slot, this.codec.decode(data));
      }
    }
  }

  /** The slot of window w for the batch's key g, made when new. */
  private slotOf(w: number, g: number, keys: BatchKeys): number {
    const known = keys.find(g);
    if (known >= 0) {
      const at = known * this.ways + (w & (this.ways - 1));
      const cached = at < this.recent.length ? this.recent[at]! - 1 : -1;
      if (cached >= 0 && this.pool.windows[cached] === w) return cached;
      const found = this.windows.get(w)?.slots.get(known);
      if (found !== undefined) {
        this.recent[at] = found + 1;
        return found;
      }
    }
    return this.newSlot(keys.intern(g), w, this.windows.get(w) ?? this.openWindow(w));
  }

  private newSlot(keyId: number, w: number, bucket: Bucket): number {
    const slot = this.pool.alloc(keyId, w);
    bucket.slots.set(keyId, slot);
    this.keys.ref(keyId);
    const at = keyId * this.ways + (w & (this.ways - 1));
    if (at >= this.recent.length) {
      const grown = new Int32Array(Math.max(at + 1, 2 * this.recent.length, 1024));
      grown.set(this.recent);
      this.recent = grown;
    }
    this.recent[at] = slot + 1;
    return slot;
  }

  /** Frees a closed window's slot (and its key, when no other window holds it). */
  private drop(slot: number): void {
    const keyId = this.pool.keyIds[slot]!;
    const at = keyId * this.ways + (this.pool.windows[slot]! & (this.ways - 1));
    if (this.recent[at] === slot + 1) this.recent[at] = 0;
    this.pool.release(slot);
    this.keys.unref(keyId);
  }

  private openWindow(w: number): Bucket {
    const bucket: Bucket = { w, slots: new Map() };
    this.windows.set(w, bucket);
    // Usually the newest window: search from the end.
    let i = this.open.length;
    while (i > 0 && this.open[i - 1]! > w) i--;
    this.open.splice(i, 0, w);
    return bucket;
  }
}
