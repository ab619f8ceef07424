// Tumble and hop windows (tumble = hop with slide = size), aligned to epoch 0: window w is
// [w·slide, w·slide + size). A row at time t is in windows floor(t/slide) − k for k = 0 .. m−1,
// m = ceil(size/slide), each as long as it still reaches past t.
//
// Per batch: each row's newest window is computed with arithmetic over the time column; the
// batch's distinct (window, key) pairs get local ids through a dense table (PairIndex), one state
// lookup per pair; then for each k a row→local id map is filled and everything is folded at once
// (aggregate/fold.ts). Nothing is allocated per row. Local id 0 is a scratch state that soaks up
// rows a window does not take (no time, already closed), so the kernels need no branch for them.
//
// A window is complete once the watermark reaches end − 1; its rows (one per key, keys in order)
// are emitted then and its state dropped. A row all of whose windows are complete is late: it is
// dropped and counted. A hop row only some of whose windows are complete still counts in the
// others (Flink's rule: lateness is per window; the row is counted late only when no window takes it).

import type * as arrow from 'apache-arrow';
import { InternalError } from '../../errors.js';
import type { Schema } from '../../types.js';
import type { GroupState } from '../aggregate/state.js';
import type { KeyedSnapshot, OperatorContext } from '../types.js';
import { WindowOperatorBase } from './base.js';
import { type BatchKeys, eventTimes } from './batch-keys.js';
import { ClosedRows } from './emit.js';
import { PairIndex } from './pair-index.js';
import type { WindowAggregateSpec } from './schema.js';
import { addWatermark, ownedEntries, restoredWatermark, type WindowEntry } from './snapshot.js';

interface WindowGroup extends GroupState {
  keyId: number;
}

interface Bucket {
  /** Window index: the window starts at w · slide. */
  w: number;
  groups: Map<number, WindowGroup>;
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

  constructor(spec: WindowAggregateSpec, input: Schema, ctx: OperatorContext) {
    super(spec, input, ctx);
    const window = spec.window;
    if (window.kind === 'session') throw new InternalError('FixedWindowAggregate takes tumble or hop windows');
    this.size = window.size_ms;
    this.slide = window.kind === 'tumble' ? window.size_ms : window.slide_ms;
    this.perRow = Math.ceil(this.size / this.slide);
  }

  /** Open (window, key) states. */
  get openGroups(): number {
    let n = 0;
    for (const b of this.windows.values()) n += b.groups.size;
    return n;
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
    const base = lo - perRow + 1;
    this.pairs.reset(base, hi - base + 1, keys.count);
    const locals: GroupState[] = [this.newState()];
    const gids: Int32Array[] = [];
    for (let k = 0; k < perRow; k++) {
      const into = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const w0 = newest[i]!;
        if (w0 !== w0) continue;
        const w = w0 - k;
        const end = w * slide + size;
        // The row is past this window (size not a multiple of slide), or the window is complete.
        if (end <= t[i]! || end - 1 <= watermark) continue;
        const g = gid[i]!;
        let local = this.pairs.get(w, g);
        if (local === 0) {
          local = locals.push(this.stateOf(w, g, keys)) - 1;
          this.pairs.set(w, g, local);
        }
        into[i] = local;
      }
      gids.push(into);
    }
    this.folder.fold(locals, gids, this.folder.readArgs(batch));
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
    for (const w of this.open.splice(0, closing)) {
      const bucket = this.windows.get(w)!;
      this.windows.delete(w);
      const ids = [...bucket.groups.keys()].sort((a, b) => this.keys.compare(a, b));
      for (const id of ids) rows.push(id, w * slide, w * slide + size, bucket.groups.get(id)!);
    }
    const out = rows.toBatch(this.outputSchema, this.keys, this.folder);
    for (const id of rows.keyIds) this.keys.unref(id);
    return out;
  }

  snapshot(): KeyedSnapshot {
    const byKey = new Map<number, WindowEntry[]>();
    for (const w of this.open) {
      const start = w * this.slide;
      for (const [id, s] of this.windows.get(w)!.groups) {
        let list = byKey.get(id);
        if (!list) byKey.set(id, (list = []));
        list.push([start, start + this.size, this.codec.encode(s)]);
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
        if (bucket.groups.has(id)) throw new InternalError(`window [${start}, ${end}) appears twice for key ${JSON.stringify(key)}`);
        bucket.groups.set(id, { ...this.codec.decode(data), keyId: id });
        this.keys.ref(id);
      }
    }
  }

  /** The state of window w for the batch's key g, made when new. */
  private stateOf(w: number, g: number, keys: BatchKeys): WindowGroup {
    const bucket = this.windows.get(w);
    const known = keys.find(g);
    const found = known >= 0 ? bucket?.groups.get(known) : undefined;
    if (found) return found;
    const keyId = keys.intern(g);
    const fresh = this.newState();
    const state: WindowGroup = { nums: fresh.nums, texts: fresh.texts, sets: fresh.sets, seen: 0, keyId };
    (bucket ?? this.openWindow(w)).groups.set(keyId, state);
    this.keys.ref(keyId);
    return state;
  }

  private openWindow(w: number): Bucket {
    const bucket: Bucket = { w, groups: new Map() };
    this.windows.set(w, bucket);
    // Usually the newest window: search from the end.
    let i = this.open.length;
    while (i > 0 && this.open[i - 1]! > w) i--;
    this.open.splice(i, 0, w);
    return bucket;
  }
}
