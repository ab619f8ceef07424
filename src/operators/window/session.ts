// Session windows: per key, rows less than gap_ms apart form one session [first, last + gap).
// A row whose [t, t + gap) overlaps sessions of its key joins them (all of them: a row can bridge
// two, which then merge); otherwise it starts a new one. A session closes when the watermark
// reaches its end − 1. A row that overlaps no open session and whose own [t, t + gap) is
// complete already is late: dropped and counted. Rows with a NULL event time are skipped.
//
// Which session a row joins depends on the rows before it, so rows are assigned one at a time,
// in arrival order; the aggregates are still folded column-wise afterwards. Each session touched
// by the batch gets a local id; a merge links the absorbed session's id to the survivor's
// (union-find) after folding its past state in (aggregate/merge.ts), and rows are resolved to
// surviving ids before the fold. Closing is driven by a heap holding one entry per session, its
// end when queued: ends only grow, so an entry is a lower bound; a popped entry whose session
// has grown since is queued again at its new end, one of a merged-away session is dropped.

import type * as arrow from 'apache-arrow';
import { InternalError } from '../../errors.js';
import type { Schema } from '../../types.js';
import { mergeState } from '../aggregate/merge.js';
import type { GroupState } from '../aggregate/state.js';
import type { KeyedSnapshot, OperatorContext } from '../types.js';
import { WindowOperatorBase } from './base.js';
import { eventTimes } from './batch-keys.js';
import { ClosedRows } from './emit.js';
import { EndHeap } from './end-heap.js';
import type { WindowAggregateSpec } from './schema.js';
import { addWatermark, ownedEntries, restoredWatermark, type WindowEntry } from './snapshot.js';

interface Session extends GroupState {
  keyId: number;
  first: number;
  last: number;
  /** False once merged into another session or closed. */
  alive: boolean;
  /** The batch that last gave it a local id, and that id. */
  stamp: number;
  local: number;
}

/** The locals of one batch: states to fold, and the union-find links of merged ones. */
interface Locals {
  stamp: number;
  states: GroupState[];
  parent: number[];
}

export class SessionWindowAggregate extends WindowOperatorBase {
  private readonly gap: number;
  /** Open sessions by key id; a key's sessions never overlap. */
  private readonly sessions = new Map<number, Session[]>();
  private readonly ends = new EndHeap<Session>();
  private batches = 0;

  constructor(spec: WindowAggregateSpec, input: Schema, ctx: OperatorContext) {
    super(spec, input, ctx);
    if (spec.window.kind !== 'session') throw new InternalError('SessionWindowAggregate takes session windows');
    this.gap = spec.window.gap_ms;
  }

  /** Open sessions. */
  get openGroups(): number {
    let n = 0;
    for (const list of this.sessions.values()) n += list.length;
    return n;
  }

  process(batch: arrow.RecordBatch): arrow.RecordBatch | null {
    const n = batch.numRows;
    if (n === 0) return null;
    const { t, valid, off } = eventTimes(batch, this.timeColumn);
    const keys = this.batchKeys(batch);
    const gid = keys.gid;
    const gap = this.gap;
    const locals: Locals = { stamp: ++this.batches, states: [this.newState()], parent: [0] };
    const rowLocal = new Int32Array(n);
    let late = 0;
    for (let i = 0; i < n; i++) {
      if (valid && ((valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 0) continue;
      const ti = t[i]!;
      const g = gid[i]!;
      const known = keys.find(g);
      const list = known >= 0 ? this.sessions.get(known) : undefined;
      let hit: Session | undefined;
      if (list) {
        for (let s = 0; s < list.length; ) {
          const other = list[s]!;
          if (!(ti < other.last + gap && other.first < ti + gap)) {
            s++;
          } else if (!hit) {
            hit = other;
            s++;
          } else {
            this.absorb(hit, other, locals);
            list.splice(s, 1);
          }
        }
      }
      if (!hit) {
        if (ti + gap - 1 <= this.watermark) {
          late++;
          continue;
        }
        hit = this.open(keys.intern(g), ti);
        this.ends.push(ti + gap, hit);
      } else {
        if (ti < hit.first) hit.first = ti;
        if (ti > hit.last) hit.last = ti;
      }
      rowLocal[i] = localOf(hit, locals);
    }
    this.lateRows(late);
    const parent = locals.parent;
    for (let i = 0; i < n; i++) rowLocal[i] = root(parent, rowLocal[i]!);
    this.folder.fold(locals.states, [rowLocal], this.folder.readArgs(batch));
    return null;
  }

  onWatermark(watermarkMs: number): arrow.RecordBatch | null {
    if (!(watermarkMs > this.watermark)) return null;
    this.watermark = watermarkMs;
    const gap = this.gap;
    const closing: Session[] = [];
    while (this.ends.size > 0 && this.ends.peek() - 1 <= watermarkMs) {
      const s = this.ends.pop();
      if (!s.alive) continue;
      if (s.last + gap - 1 > watermarkMs) {
        this.ends.push(s.last + gap, s);
        continue;
      }
      s.alive = false;
      closing.push(s);
      const list = this.sessions.get(s.keyId)!;
      list.splice(list.indexOf(s), 1);
      if (list.length === 0) this.sessions.delete(s.keyId);
    }
    if (closing.length === 0) return null;
    closing.sort((a, b) => a.last - b.last || this.keys.compare(a.keyId, b.keyId));
    const rows = new ClosedRows();
    for (const s of closing) rows.push(s.keyId, s.first, s.last + gap);
    const out = rows.toBatch(this.outputSchema, this.keys, this.folder.columns(this.folder.gather(closing)));
    for (const s of closing) this.keys.unref(s.keyId);
    return out;
  }

  snapshot(): KeyedSnapshot {
    const out: KeyedSnapshot = {};
    for (const [id, list] of this.sessions) {
      const entries: WindowEntry[] = list.map((s) => [s.first, s.last, this.codec.encode(s)]);
      ((out[this.keys.keyGroup(id)] ??= []) as unknown[]).push([this.keys.key(id), entries]);
    }
    addWatermark(out, this.watermark, this.ownedRange());
    return out;
  }

  restore(snapshots: KeyedSnapshot[]): void {
    this.sessions.clear();
    this.ends.clear();
    this.keys.clear();
    const range = this.ownedRange();
    this.watermark = restoredWatermark(snapshots, range);
    for (const [kg, key, entries] of ownedEntries(snapshots, range)) {
      if (entries.length === 0) continue;
      const id = this.keys.intern(key, kg);
      for (const [first, last, data] of entries) {
        if (!(first <= last)) throw new InternalError(`session [${first}, ${last}] in the snapshot ends before it starts`);
        const s = this.open(id, first, this.codec.decode(data));
        s.last = last;
        this.ends.push(last + this.gap, s);
      }
    }
  }

  /** A new session of key `keyId` starting at `first`; the caller queues its end. */
  private open(keyId: number, first: number, state: GroupState = this.newState()): Session {
    const s: Session = { nums: state.nums, texts: state.texts, sets: state.sets, accs: state.accs, seen: 0, keyId, first, last: first, alive: true, stamp: 0, local: 0 };
    let list = this.sessions.get(keyId);
    if (!list) this.sessions.set(keyId, (list = []));
    list.push(s);
    this.keys.ref(keyId);
    return s;
  }

  /** Merges `other` into `into` (both of one key); rows given to `other` this batch follow. */
  private absorb(into: Session, other: Session, locals: Locals): void {
    mergeState(this.folder.calls, into, other);
    if (other.first < into.first) into.first = other.first;
    if (other.last > into.last) into.last = other.last;
    other.alive = false;
    this.keys.unref(other.keyId);
    if (other.stamp === locals.stamp) locals.parent[other.local] = localOf(into, locals);
  }
}

function localOf(s: Session, locals: Locals): number {
  if (s.stamp !== locals.stamp) {
    s.stamp = locals.stamp;
    s.local = locals.states.push(s) - 1;
    locals.parent.push(s.local);
  }
  return s.local;
}

/** The surviving local id of `i`, compressing the path. */
function root(parent: number[], i: number): number {
  let r = i;
  while (parent[r] !== r) r = parent[r]!;
  while (parent[i] !== r) {
    const next = parent[i]!;
    parent[i] = r;
    i = next;
  }
  return r;
}
