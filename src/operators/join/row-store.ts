// One side of the join without a window: its rows in arrival order as chunks (one per input
// batch, tagged with when it was stored), and per key the (chunk, row) references of its rows.
// Rows expire ttl after they were stored; since chunks are stored in time order, expiry drops
// whole chunks from the front, and a key's references to them are trimmed when next looked up
// (or by a sweep once dead references outnumber live ones, so idle keys do not pile up).

import { InternalError } from '../../errors.js';
import type { Chunk } from './keys.js';

/** A key's rows: flat [seq, row, seq, row, ...] pairs, oldest first; pairs before `from` are dead. */
export interface Refs {
  pairs: number[];
  from: number;
}

export class RowStore {
  /** chunks[i] has sequence number base + i; those before `head` have expired. */
  private chunks: (Chunk | null)[] = [];
  private base = 0;
  private head = 0;
  private readonly index = new Map<string, Refs>();
  private liveRows = 0;
  private deadRows = 0;

  constructor(private readonly ttlMs: number) {}

  /** Rows held. */
  get rows(): number {
    return this.liveRows;
  }

  /** Keys with references (some possibly expired, until looked up or swept). */
  get keys(): number {
    return this.index.size;
  }

  /** Sequence number of the oldest live chunk. */
  get firstSeq(): number {
    return this.base + this.head;
  }

  /** The live chunk with sequence number `seq` (from a live reference). */
  chunk(seq: number): Chunk {
    const c = this.chunks[seq - this.base];
    if (!c) throw new InternalError(`join row store has no live chunk ${seq}`);
    return c;
  }

  /** The live chunks, oldest first. */
  live(): Chunk[] {
    return this.chunks.slice(this.head) as Chunk[];
  }

  /** Drops the chunks stored ttl or longer before `now`. */
  expire(now: number): void {
    while (this.head < this.chunks.length && now - this.chunks[this.head]!.tag >= this.ttlMs) {
      const n = this.chunks[this.head]!.hashes.length;
      this.liveRows -= n;
      this.deadRows += n;
      this.chunks[this.head++] = null;
    }
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
    if (this.deadRows > this.liveRows + 1024) this.sweep();
  }

  /** The live references of `key` ([seq, row] pairs from `from`), or null. */
  lookup(key: string): Refs | null {
    const refs = this.index.get(key);
    if (!refs) return null;
    if (!this.trim(refs)) {
      this.index.delete(key);
      return null;
    }
    return refs;
  }

  /**
   * Stores a chunk: row i under key `keyOf[gid[i]]` (gid −1: not indexed). Returns its sequence number.
   */
  add(chunk: Chunk, gid: Int32Array, keyOf: readonly string[]): number {
    const seq = this.base + this.chunks.length;
    this.chunks.push(chunk);
    this.liveRows += chunk.hashes.length;
    const lists = keyOf.map((key) => {
      let refs = this.index.get(key);
      if (!refs) this.index.set(key, (refs = { pairs: [], from: 0 }));
      return refs.pairs;
    });
    for (let i = 0; i < gid.length; i++) {
      const g = gid[i]!;
      if (g >= 0) lists[g]!.push(seq, i);
    }
    return seq;
  }

  /** Drops everything. */
  clear(): void {
    this.chunks = [];
    this.base = this.head = 0;
    this.index.clear();
    this.liveRows = this.deadRows = 0;
  }

  /** Moves `from` past expired pairs (compacting when most are dead); false when none is left. */
  private trim(refs: Refs): boolean {
    const first = this.firstSeq;
    const p = refs.pairs;
    let from = refs.from;
    while (from < p.length && p[from]! < first) from += 2;
    if (from === p.length) return false;
    if (from > 32 && from * 2 > p.length) {
      refs.pairs = p.slice(from);
      from = 0;
    }
    refs.from = from;
    return true;
  }

  private sweep(): void {
    for (const [key, refs] of this.index) if (!this.trim(refs)) this.index.delete(key);
    this.deadRows = 0;
  }
}
