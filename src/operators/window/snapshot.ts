// Snapshot form of window state, by key group as every keyed operator's: per key group a list of
// `[key, windows]` entries, `windows` being `[start, end or last, state]` triples (end for
// tumble/hop windows, the last event time for sessions; state as aggregate/state.ts encodes it).
//
// The watermark goes in too, as an extra entry under a key no group_by key can have, in every key
// group the subtask owns: after a rescale each new subtask takes the lowest watermark of the old
// owners of its groups, so a row that was late before the checkpoint is late after it and a
// window already emitted is not opened again.

import { InternalError } from '../../errors.js';
import { KEY_GROUPS, type KeyGroupRange } from '../../state/key-groups.js';
import type { KeyedSnapshot } from '../types.js';

/** Key strings start with `~`, `s` or `v` (aggregate/keys.ts), or are empty: this one is none of them. */
const WATERMARK_KEY = '\u0000watermark';

export type WindowEntry = [start: number, endOrLast: number, state: unknown];

/** Adds the watermark to every owned key group (when there is one). */
export function addWatermark(out: KeyedSnapshot, watermark: number, range: KeyGroupRange): void {
  if (watermark === -Infinity) return;
  for (let kg = range.start; kg < range.end; kg++) ((out[kg] ??= []) as unknown[]).push([WATERMARK_KEY, watermark]);
}

/** Each owned `[keyGroup, key, windows]` of the snapshots of every old subtask, checked. */
export function* ownedEntries(snapshots: KeyedSnapshot[], range: KeyGroupRange): IterableIterator<[number, string, WindowEntry[]]> {
  for (const [kg, s, entries] of ownedGroups(snapshots, range)) {
    for (const entry of entries) {
      if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') throw new InternalError(`key group ${kg} of snapshot ${s} holds a malformed entry`);
      if (entry[0] === WATERMARK_KEY) continue;
      const windows = entry[1];
      const ok = Array.isArray(windows) && windows.every((w) => Array.isArray(w) && w.length === 3 && typeof w[0] === 'number' && typeof w[1] === 'number');
      if (!ok) throw new InternalError(`key group ${kg} of snapshot ${s} holds malformed windows for key ${JSON.stringify(entry[0])}`);
      yield [kg, entry[0], windows as WindowEntry[]];
    }
  }
}

/** The lowest watermark over the owned key groups; -Infinity when some group had none. */
export function restoredWatermark(snapshots: KeyedSnapshot[], range: KeyGroupRange): number {
  const found = new Map<number, number>();
  for (const [kg, , entries] of ownedGroups(snapshots, range)) {
    for (const entry of entries) {
      if (Array.isArray(entry) && entry[0] === WATERMARK_KEY && typeof entry[1] === 'number') found.set(kg, entry[1]);
    }
  }
  let min = Infinity;
  for (let kg = range.start; kg < range.end; kg++) min = Math.min(min, found.get(kg) ?? -Infinity);
  return range.end > range.start ? min : -Infinity;
}

function* ownedGroups(snapshots: KeyedSnapshot[], range: KeyGroupRange): IterableIterator<[number, number, unknown[]]> {
  const from = new Map<number, number>();
  for (let s = 0; s < snapshots.length; s++) {
    for (const [name, data] of Object.entries(snapshots[s]!)) {
      const kg = Number(name);
      if (!Number.isInteger(kg) || kg < 0 || kg >= KEY_GROUPS) throw new InternalError(`snapshot ${s} holds key group "${name}", outside 0..${KEY_GROUPS - 1}`);
      if (kg < range.start || kg >= range.end) continue;
      const earlier = from.get(kg);
      if (earlier !== undefined) throw new InternalError(`key group ${kg} is in snapshots ${earlier} and ${s}`);
      from.set(kg, s);
      if (!Array.isArray(data)) throw new InternalError(`key group ${kg} of snapshot ${s} is not a list of entries`);
      yield [kg, s, data];
    }
  }
}
