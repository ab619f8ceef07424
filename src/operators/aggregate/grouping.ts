// Splits one batch into its distinct keys: a dense group id per row (0, 1, ... in order of first
// appearance) and each group's first row. An open-addressing table over the rows' key hashes
// (their low bits; key groups use the top ones); rows are compared only when hashes match.
// Nothing is allocated per row.

import type { KeyColumns } from './keys.js';

export interface BatchGroups {
  /** Number of distinct keys in the batch. */
  count: number;
  /** Group of each row. */
  gid: Int32Array;
  /** First row of each group (length `count`). */
  first: Int32Array;
}

export class Grouper {
  /** Group id + 1 per slot, 0 = empty; reused across batches. */
  private table = new Int32Array(0);

  group(hashes: Uint32Array, keys: KeyColumns): BatchGroups {
    const n = hashes.length;
    let size = 16;
    while (size < 2 * n) size *= 2;
    if (this.table.length < size) this.table = new Int32Array(size);
    else this.table.fill(0, 0, size);
    const table = this.table;
    const mask = size - 1;
    const gid = new Int32Array(n);
    const first = new Int32Array(n);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const h = hashes[i]!;
      let slot = h & mask;
      for (;;) {
        const entry = table[slot]!;
        if (entry === 0) {
          table[slot] = count + 1;
          first[count] = i;
          gid[i] = count++;
          break;
        }
        const g = entry - 1;
        const j = first[g]!;
        if (hashes[j] === h && keys.equal(j, i)) {
          gid[i] = g;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    return { count, gid, first: first.subarray(0, count) };
  }
}
