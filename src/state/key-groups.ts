// Key groups: the unit in which keyed state moves when parallelism changes (Flink's scheme). A
// key's group is fixed for the life of a job; a subtask owns a contiguous range of groups, and
// the shuffle routes a row to the subtask that owns its group, so state and rows always meet.

/** Key groups per job, fixed at creation: the most parallelism a keyed operator can have (the spec allows 256). */
export const KEY_GROUPS = 256;

/** [start, end) */
export interface KeyGroupRange {
  start: number;
  end: number;
}

/** The key group of a 32-bit key hash (src/dataflow/arrow/hash.ts): its top 7 bits. */
export function keyGroupOfHash(hash: number): number {
  return Math.floor(((hash >>> 0) * KEY_GROUPS) / 4294967296);
}

/** The subtask (of `parallelism`) that owns key group `kg`. */
export function subtaskOfKeyGroup(kg: number, parallelism: number): number {
  return Math.floor((kg * parallelism) / KEY_GROUPS);
}

/** The key groups subtask `index` of `parallelism` owns: the inverse of subtaskOfKeyGroup. */
export function keyGroupRange(index: number, parallelism: number): KeyGroupRange {
  return {
    start: Math.ceil((index * KEY_GROUPS) / parallelism),
    end: Math.ceil(((index + 1) * KEY_GROUPS) / parallelism),
  };
}

/** Splits row indices by owning subtask, given per-row key hashes. */
export function partitionByKeyGroup(hashes: Uint32Array, parallelism: number): Int32Array[] {
  const counts = new Int32Array(parallelism);
  const part = new Int32Array(hashes.length);
  for (let i = 0; i < hashes.length; i++) {
    const p = subtaskOfKeyGroup(keyGroupOfHash(hashes[i]!), parallelism);
    part[i] = p;
    counts[p]!++;
  }
  const out = Array.from({ length: parallelism }, (_, p) => new Int32Array(counts[p]!));
  const fill = new Int32Array(parallelism);
  for (let i = 0; i < part.length; i++) {
    const p = part[i]!;
    out[p]![fill[p]!++] = i;
  }
  return out;
}
