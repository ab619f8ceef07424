// The aggregate's keyed state: KeyedState's layout and snapshot form (one map per key group,
// `[key, encoded]` pairs per group), plus deletion, which TTL expiry needs and KeyedState lacks.
// Snapshots are interchangeable with KeyedState's, so checkpoints from before TTL still restore.

import { InternalError } from '../../errors.js';
import { KEY_GROUPS, type KeyGroupRange } from '../../state/key-groups.js';
import type { KeyGroupEntries, StateCodec } from '../../state/keyed-state.js';
import type { KeyedSnapshot } from '../types.js';

export class GroupStore<A> {
  /** Indexed by key group; a group's map exists once it has held a key. */
  private readonly groups: (Map<string, A> | undefined)[] = new Array(KEY_GROUPS).fill(undefined);
  private count = 0;

  constructor(private readonly codec: StateCodec<A>) {}

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

  /** Drops every entry `expired` says yes to; returns how many. */
  deleteWhere(expired: (value: A) => boolean): number {
    let dropped = 0;
    for (const group of this.groups) {
      if (!group) continue;
      for (const [key, value] of group) {
        if (!expired(value)) continue;
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

  /** As KeyedState.restore: keeps the key groups in `range` from every old subtask's snapshot. */
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
