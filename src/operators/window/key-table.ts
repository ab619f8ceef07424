// The group_by keys a window operator holds state for, each under a small integer id: state is
// indexed by id (cheaper than by key string), and the key's column values are kept here, in
// typed arrays, so closing windows can build their key columns and sort their rows by key long
// after the batches the keys came in are gone. A key lives while some window or session holds
// it (reference counted) and its id is then reused.
//
// Values come from the key string (aggregate/keys.ts encodes it, decodeKey reads it back) once
// per new key, not per row. Batches find their keys through an index over the keys' row hashes,
// comparing the row's buffers with the stored values, so a known key costs no key string; the
// string map stays the authority (restored keys enter the index once a row shows their hash).

import type * as arrow from 'apache-arrow';
import { makeColumn, makeUtf8Column } from '../../dataflow/arrow/index.js';
import { InternalError } from '../../errors.js';
import { decodeKey, type KeyColumns } from '../aggregate/keys.js';
import { compareBytes, encode, equalBytes } from '../../sql/expr/utf8.js';
import type { FieldType } from '../../types.js';

/** One key column over all ids. */
interface Store {
  type: FieldType;
  /** 1 = the value is not null. */
  valid: Uint8Array;
  /** int32 and bool (0/1): one per id; int64/timestamp: two words (lo, hi) per id. */
  ints: Int32Array;
  floats: Float64Array;
  texts: (Uint8Array | null)[];
}

export class KeyTable {
  private readonly ids = new Map<string, number>();
  private names: string[] = [];
  private groups: number[] = [];
  private refs = new Int32Array(0);
  private readonly free: number[] = [];
  private readonly stores: Store[];
  private capacity = 0;
  /** Open addressing over row hashes: id + 1 per slot, 0 = empty. */
  private index = new Int32Array(1024);
  private indexed = 0;
  /** Per id: its row hash, and whether it is in the index. */
  private hashes = new Int32Array(0);
  private hashed = new Uint8Array(0);

  constructor(private readonly types: readonly FieldType[]) {
    this.stores = types.map((type) => ({ type, valid: new Uint8Array(0), ints: new Int32Array(0), floats: new Float64Array(0), texts: [] }));
  }

  /** Keys held. */
  get size(): number {
    return this.ids.size;
  }

  /** The key's id, or -1 when no state holds it. */
  find(key: string): number {
    return this.ids.get(key) ?? -1;
  }

  /** The id of the key in row `row` of `cols` (its hash `hash`) when the index knows it, else -1. */
  findRow(hash: number, cols: KeyColumns, row: number): number {
    const mask = this.index.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.index[slot]!;
      if (entry === 0) return -1;
      const id = entry - 1;
      if (this.hashes[id] === (hash | 0) && this.sameRow(id, cols, row)) return id;
    }
  }

  /** Puts a key the string map found into the index under its row hash. */
  addHash(id: number, hash: number): void {
    if (this.hashed[id]) return;
    if (2 * (this.indexed + 1) > this.index.length) this.rebuild(2 * this.index.length);
    this.hashes[id] = hash;
    this.hashed[id] = 1;
    this.insert(id);
  }

  /**
   * The key's id, made (unreferenced) when new; `keyGroup` is the key's group, `hash` its row
   * hash when known (restore knows only the string).
   */
  intern(key: string, keyGroup: number, hash?: number): number {
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = this.free.pop() ?? this.grow();
    this.ids.set(key, id);
    this.names[id] = key;
    this.groups[id] = keyGroup;
    this.refs[id] = 0;
    const values = decodeKey(key, this.types);
    this.stores.forEach((s, c) => write(s, id, values[c]!));
    this.hashed[id] = 0;
    if (hash !== undefined) this.addHash(id, hash);
    return id;
  }

  /** One more window/session holds the key. */
  ref(id: number): void {
    this.refs[id]!++;
  }

  /** One fewer holds it; the last one frees the id. */
  unref(id: number): void {
    if (--this.refs[id]! > 0) return;
    if (this.refs[id]! < 0) throw new InternalError(`window key ${id} released more often than held`);
    this.ids.delete(this.names[id]!);
    if (this.hashed[id]) this.unindex(id);
    for (const s of this.stores) if (s.type === 'utf8') s.texts[id] = null;
    this.free.push(id);
  }

  key(id: number): string {
    return this.names[id]!;
  }

  keyGroup(id: number): number {
    return this.groups[id]!;
  }

  /** Key order: column by column, numbers by value (NaN above all), text by code point, nulls last. */
  compare(a: number, b: number): number {
    for (const s of this.stores) {
      const va = s.valid[a]!;
      const vb = s.valid[b]!;
      if (va !== vb) return va ? -1 : 1;
      if (!va) continue;
      let d = 0;
      switch (s.type) {
        case 'int32':
        case 'bool':
          d = s.ints[a]! - s.ints[b]!;
          break;
        case 'int64':
        case 'timestamp':
          d = s.ints[2 * a + 1]! - s.ints[2 * b + 1]! || (s.ints[2 * a]! >>> 0) - (s.ints[2 * b]! >>> 0);
          break;
        case 'float64': {
          const x = s.floats[a]!;
          const y = s.floats[b]!;
          d = x < y ? -1 : x > y ? 1 : x === y ? 0 : x === x ? -1 : y === y ? 1 : 0;
          break;
        }
        case 'utf8': {
          const x = s.texts[a]!;
          const y = s.texts[b]!;
          d = compareBytes(x, 0, x.length, y, 0, y.length);
          break;
        }
      }
      if (d !== 0) return d;
    }
    return 0;
  }

  /** The key columns of rows showing keys `ids`, in order. */
  columns(ids: Int32Array): arrow.Vector[] {
    const n = ids.length;
    return this.stores.map((s) => {
      let validity: Uint8Array | undefined;
      for (let r = 0; r < n; r++) {
        if (s.valid[ids[r]!]) continue;
        validity ??= new Uint8Array(n).fill(1);
        validity[r] = 0;
      }
      switch (s.type) {
        case 'int32':
          return makeColumn('int32', Int32Array.from(ids, (id) => s.ints[id]!), validity);
        case 'bool':
          return makeColumn('bool', Uint8Array.from(ids, (id) => s.ints[id]!), validity);
        case 'float64':
          return makeColumn('float64', Float64Array.from(ids, (id) => s.floats[id]!), validity);
        case 'int64':
        case 'timestamp': {
          const values = new BigInt64Array(n);
          const w = new Int32Array(values.buffer);
          for (let r = 0; r < n; r++) {
            w[2 * r] = s.ints[2 * ids[r]!]!;
            w[2 * r + 1] = s.ints[2 * ids[r]! + 1]!;
          }
          return makeColumn(s.type, values, validity);
        }
        case 'utf8': {
          const offsets = new Int32Array(n + 1);
          for (let r = 0; r < n; r++) offsets[r + 1] = offsets[r]! + (s.texts[ids[r]!]?.length ?? 0);
          const bytes = new Uint8Array(offsets[n]!);
          for (let r = 0; r < n; r++) {
            const t = s.texts[ids[r]!];
            if (t) bytes.set(t, offsets[r]!);
          }
          return makeUtf8Column(offsets, bytes, validity);
        }
      }
    });
  }

  /** Forgets every key (restore starts from here). */
  clear(): void {
    this.index = new Int32Array(1024);
    this.indexed = 0;
    this.hashes = new Int32Array(0);
    this.hashed = new Uint8Array(0);
    this.ids.clear();
    this.names = [];
    this.groups = [];
    this.free.length = 0;
    this.capacity = 0;
    this.refs = new Int32Array(0);
    for (const s of this.stores) [s.valid, s.ints, s.floats, s.texts] = [new Uint8Array(0), new Int32Array(0), new Float64Array(0), []];
  }

  private sameRow(id: number, cols: KeyColumns, row: number): boolean {
    return sameRowOf(this.stores, id, cols, row);
  }

  private insert(id: number): void {
    const mask = this.index.length - 1;
    let slot = this.hashes[id]! & mask;
    while (this.index[slot] !== 0) slot = (slot + 1) & mask;
    this.index[slot] = id + 1;
    this.indexed++;
  }

  /** Removes id from the index, shifting later entries of its probe run back (no tombstones). */
  private unindex(id: number): void {
    const index = this.index;
    const mask = index.length - 1;
    let hole = this.hashes[id]! & mask;
    while (index[hole] !== id + 1) {
      if (index[hole] === 0) throw new InternalError(`window key ${id} is missing from the hash index`);
      hole = (hole + 1) & mask;
    }
    index[hole] = 0;
    for (let j = (hole + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      const home = this.hashes[index[j]! - 1]! & mask;
      // Entry j may move into the hole unless its home lies cyclically in (hole, j].
      const stays = hole < j ? home > hole && home <= j : home > hole || home <= j;
      if (stays) continue;
      index[hole] = index[j]!;
      index[j] = 0;
      hole = j;
    }
    this.hashed[id] = 0;
    this.indexed--;
  }

  private rebuild(size: number): void {
    this.index = new Int32Array(size);
    this.indexed = 0;
    for (const id of this.ids.values()) if (this.hashed[id]) this.insert(id);
  }

  /** Doubles the id space; returns the first new id, the rest go on the free list. */
  private grow(): number {
    const from = this.capacity;
    const to = Math.max(64, 2 * from);
    this.refs = resized(this.refs, to);
    this.hashes = resized(this.hashes, to);
    this.hashed = resized(this.hashed, to);
    for (const s of this.stores) {
      s.valid = resized(s.valid, to);
      if (s.type === 'float64') s.floats = resized(s.floats, to);
      else if (s.type !== 'utf8') s.ints = resized(s.ints, s.type === 'int64' || s.type === 'timestamp' ? 2 * to : to);
    }
    this.capacity = to;
    for (let id = to - 1; id > from; id--) this.free.push(id);
    return from;
  }
}

/** Row `row` of `cols` holds the key of id `id` (nulls equal, NaN equals NaN, -0 equals 0, as keys.ts). */
function sameRowOf(stores: Store[], id: number, cols: KeyColumns, row: number): boolean {
  for (let c = 0; c < stores.length; c++) {
    const s = stores[c]!;
    const col = cols.column(c);
    const valid = col.valid ? (col.valid[(col.off + row) >> 3]! >> ((col.off + row) & 7)) & 1 : 1;
    if (valid !== s.valid[id]) return false;
    if (!valid) continue;
    switch (s.type) {
      case 'int32':
        if (col.ints[row] !== s.ints[id]) return false;
        break;
      case 'bool':
        if (((col.bytes[(col.off + row) >> 3]! >> ((col.off + row) & 7)) & 1) !== s.ints[id]) return false;
        break;
      case 'int64':
      case 'timestamp':
        if (col.ints[2 * row] !== s.ints[2 * id] || col.ints[2 * row + 1] !== s.ints[2 * id + 1]) return false;
        break;
      case 'float64': {
        const a = col.floats[row]!;
        const b = s.floats[id]!;
        if (a !== b && (a === a || b === b)) return false;
        break;
      }
      case 'utf8': {
        const t = s.texts[id]!;
        if (!equalBytes(col.bytes, col.ints[row]!, col.ints[row + 1]!, t, 0, t.length)) return false;
        break;
      }
    }
  }
  return true;
}

function resized<T extends Uint8Array | Int32Array | Float64Array>(a: T, length: number): T {
  const out = new (a.constructor as new (n: number) => T)(length);
  out.set(a);
  return out;
}

function write(s: Store, id: number, value: unknown): void {
  s.valid[id] = value === null ? 0 : 1;
  if (value === null) {
    if (s.type === 'utf8') s.texts[id] = null;
    return;
  }
  switch (s.type) {
    case 'int32':
      s.ints[id] = value as number;
      return;
    case 'bool':
      s.ints[id] = value ? 1 : 0;
      return;
    case 'float64':
      s.floats[id] = value as number;
      return;
    case 'int64':
    case 'timestamp': {
      const v = value as bigint;
      s.ints[2 * id] = Number(BigInt.asIntN(32, v));
      s.ints[2 * id + 1] = Number(BigInt.asIntN(32, v >> 32n));
      return;
    }
    case 'utf8':
      s.texts[id] = encode(value as string);
      return;
  }
}
