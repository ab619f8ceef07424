// The group_by keys a window operator holds state for, each under a small integer id: state is
// indexed by id (cheaper than by key string), and the key's column values are kept here, in
// typed arrays, so closing windows can build their key columns and sort their rows by key long
// after the batches the keys came in are gone. A key lives while some window or session holds
// it (reference counted) and its id is then reused.
//
// Values come from the key string (aggregate/keys.ts encodes it, decodeKey reads it back) once
// per new key, not per row.

import type * as arrow from 'apache-arrow';
import { makeColumn, makeUtf8Column } from '../../dataflow/arrow/index.js';
import { InternalError } from '../../errors.js';
import { decodeKey } from '../aggregate/keys.js';
import { compareBytes, encode } from '../../sql/expr/utf8.js';
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

  /** The key's id, made (unreferenced) when new; `keyGroup` is the key's group. */
  intern(key: string, keyGroup: number): number {
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = this.free.pop() ?? this.grow();
    this.ids.set(key, id);
    this.names[id] = key;
    this.groups[id] = keyGroup;
    this.refs[id] = 0;
    const values = decodeKey(key, this.types);
    this.stores.forEach((s, c) => write(s, id, values[c]!));
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
    this.ids.clear();
    this.names = [];
    this.groups = [];
    this.free.length = 0;
    this.capacity = 0;
    this.refs = new Int32Array(0);
    for (const s of this.stores) [s.valid, s.ints, s.floats, s.texts] = [new Uint8Array(0), new Int32Array(0), new Float64Array(0), []];
  }

  /** Doubles the id space; returns the first new id, the rest go on the free list. */
  private grow(): number {
    const from = this.capacity;
    const to = Math.max(64, 2 * from);
    const refs = new Int32Array(to);
    refs.set(this.refs);
    this.refs = refs;
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
