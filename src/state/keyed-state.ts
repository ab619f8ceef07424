// Keyed operator state: one value per key, kept in one map per key group so a checkpoint can hand
// each group to whichever subtask owns it after a rescale (src/state/key-groups.ts).
//
// Keys are strings the operator derives deterministically from the key's values (the same key
// gives the same string in every process and run); the key group comes from the key's hash and
// is passed in, since the operator has the hash at hand for the whole batch already.

import { InternalError } from '../errors.js';
import type { KeyedSnapshot } from '../operators/types.js';
import { KEY_GROUPS, type KeyGroupRange } from './key-groups.js';

/** How a state value becomes msgpack-able data for a snapshot, and back. */
export interface StateCodec<A> {
  encode(value: A): unknown;
  decode(data: unknown): A;
}

/** What a snapshot holds per key group: `[key, encoded value]` pairs. */
export type KeyGroupEntries = [string, unknown][];

export class KeyedState<A> {
  /** Indexed by key group; a group's map exists once it holds a key. */
  private readonly groups: (Map<string, A> | undefined)[] = new Array(KEY_GROUPS).fill(undefined);
  private count = 0;

  constructor(private readonly codec: StateCodec<A>) {}

  /** Number of keys held. */
  get size(): number {
    return this.count;
  }

  get(keyGroup: number, key: string): A | undefined {
    return this.groups[keyGroup]?.get(key);
  }

  set(keyGroup: number, key: string, value: A): void {
    let group = this.groups[keyGroup];
    if (!group) {
      if (!(keyGroup >= 0 && keyGroup < KEY_GROUPS && Number.isInteger(keyGroup))) throw new InternalError(`key group ${keyGroup} outside 0..${KEY_GROUPS - 1}`);
      group = this.groups[keyGroup] = new Map();
    }
    const before = group.size;
    group.set(key, value);
    this.count += group.size - before;
  }

  /** Removes every entry whose value matches (e.g. expired by a TTL); returns how many went. */
  deleteWhere(match: (value: A) => boolean): number {
    let dropped = 0;
    for (const group of this.groups) {
      if (!group) continue;
      for (const [key, value] of group) {
        if (!match(value)) continue;
        group.delete(key);
        dropped++;
      }
    }
    this.count -= dropped;
    return dropped;
  }

  /** Every value, in no particular order. */
  *values(): IterableIterator<A> {
    for (const group of this.groups) if (group) yield* group.values();
  }

  /** Removes a key's state; false when there was none. */
  delete(keyGroup: number, key: string): boolean {
    const group = this.groups[keyGroup];
    if (!group?.delete(key)) return false;
    this.count--;
    return true;
  }

  /** Every entry, by key group ascending, then in insertion order. */
  *entries(): IterableIterator<[keyGroup: number, key: string, value: A]> {
    for (let kg = 0; kg < KEY_GROUPS; kg++) {
      const group = this.groups[kg];
      if (group) for (const [key, value] of group) yield [kg, key, value];
    }
  }

  /** The state now, by key group (non-empty groups only); values are encoded copies. */
  snapshot(): KeyedSnapshot {
    const out: KeyedSnapshot = {};
    for (let kg = 0; kg < KEY_GROUPS; kg++) {
      const group = this.groups[kg];
      if (!group || group.size === 0) continue;
      const entries: KeyGroupEntries = [];
      for (const [key, value] of group) entries.push([key, this.codec.encode(value)]);
      out[kg] = entries;
    }
    return out;
  }

  /**
   * Replaces the state with the key groups in `range` from the snapshots of every subtask of the
   * previous run (whatever its parallelism). Old subtasks owned disjoint key groups, so a group
   * found in two snapshots means the snapshots are not from one checkpoint.
   */
  restore(snapshots: KeyedSnapshot[], range: KeyGroupRange): void {
    this.groups.fill(undefined);
    this.count = 0;
    const from = new Map<number, number>();
    snapshots.forEach((snapshot, s) => {
      for (const [name, data] of Object.entries(snapshot)) {
        const kg = Number(name);
        if (!Number.isInteger(kg) || kg < 0 || kg >= KEY_GROUPS) throw new InternalError(`snapshot ${s} holds key group "${name}", outside 0..${KEY_GROUPS - 1}`);
        if (kg < range.start || kg >= range.end) continue;
        const earlier = from.get(kg);
        if (earlier !== undefined) throw new InternalError(`key group ${kg} is in snapshots ${earlier} and ${s}`);
        from.set(kg, s);
        if (!Array.isArray(data)) throw new InternalError(`key group ${kg} of snapshot ${s} is not a list of entries`);
        for (const entry of data as unknown[]) {
          if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') {
            throw new InternalError(`key group ${kg} of snapshot ${s} holds a malformed entry`);
          }
          this.set(kg, entry[0], this.codec.decode(entry[1]));
        }
      }
    });
  }
}
