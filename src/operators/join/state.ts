// The join's checkpoint layout: per key group `{ w, l, r }`, the left and right rows of the group
// (snapshot.ts) and the watermark the operator had seen. The watermark is written into every
// group the subtask owns, so after a rescale each new subtask learns it from whichever groups it
// takes over and keeps dropping rows of windows that were already emitted before the checkpoint.

import { InternalError } from '../../errors.js';
import { KEY_GROUPS, type KeyGroupRange } from '../../state/key-groups.js';
import type { KeyedSnapshot } from '../types.js';

export interface JoinGroupState {
  /** The watermark seen (windowed joins), null when none. */
  w: number | null;
  l: Uint8Array | null;
  r: Uint8Array | null;
}

export function joinSnapshot(left: Map<number, Uint8Array>, right: Map<number, Uint8Array>, watermark: number | null, owned: KeyGroupRange): KeyedSnapshot {
  const out: KeyedSnapshot = {};
  for (let kg = 0; kg < KEY_GROUPS; kg++) {
    const l = left.get(kg) ?? null;
    const r = right.get(kg) ?? null;
    const mine = watermark !== null && kg >= owned.start && kg < owned.end;
    if (l || r || mine) out[kg] = { w: watermark, l, r } satisfies JoinGroupState;
  }
  return out;
}

export interface RestoredParts {
  /** Lowest watermark among the restored groups (null: none recorded). */
  watermark: number | null;
  left: Uint8Array[];
  right: Uint8Array[];
}

/** The groups in `range` of every previous subtask's snapshot. */
export function restoreParts(snapshots: readonly KeyedSnapshot[], range: KeyGroupRange): RestoredParts {
  const out: RestoredParts = { watermark: null, left: [], right: [] };
  const from = new Map<number, number>();
  snapshots.forEach((snapshot, s) => {
    for (const [name, value] of Object.entries(snapshot)) {
      const kg = Number(name);
      if (!Number.isInteger(kg) || kg < 0 || kg >= KEY_GROUPS) throw new InternalError(`join snapshot ${s} holds key group "${name}", outside 0..${KEY_GROUPS - 1}`);
      if (kg < range.start || kg >= range.end) continue;
      const earlier = from.get(kg);
      if (earlier !== undefined) throw new InternalError(`key group ${kg} is in join snapshots ${earlier} and ${s}`);
      from.set(kg, s);
      const state = value as Partial<JoinGroupState> | null;
      const bytes = (x: unknown): x is Uint8Array => x instanceof Uint8Array;
      if (!state || typeof state !== 'object' || !(state.w === null || typeof state.w === 'number') || !(state.l === null || bytes(state.l)) || !(state.r === null || bytes(state.r))) {
        throw new InternalError(`key group ${kg} of join snapshot ${s} is malformed`);
      }
      if (state.w !== null) out.watermark = out.watermark === null ? state.w : Math.min(out.watermark, state.w);
      if (state.l) out.left.push(state.l);
      if (state.r) out.right.push(state.r);
    }
  });
  return out;
}
