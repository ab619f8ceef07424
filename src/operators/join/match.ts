// Matching the rows of one window: both sides' rows are split into distinct keys (the
// aggregate's per-batch hash grouping), right keys are looked up by key string, and the result
// is two aligned index lists (−1 where an outer join's row has no partner). Work is per row and
// per distinct key; no object is made per row.

import type * as arrow from 'apache-arrow';
import { Grouper } from '../aggregate/grouping.js';
import { KeyColumns } from '../aggregate/keys.js';
import type { JoinType } from '../../types.js';
import { IntList } from './int-list.js';
import { nullKeyRows, type SideKeys } from './keys.js';

export interface RowsWithKeys {
  batch: arrow.RecordBatch;
  hashes: Uint32Array;
  keys: SideKeys;
}

export interface Matches {
  left: Int32Array;
  right: Int32Array;
}

const grouper = new Grouper();

/**
 * Every pair of equal-keyed rows, in left row order (right rows of a key in their order); left
 * and full joins add each unmatched left row with −1, right and full joins then add each
 * unmatched right row with −1. Null keys match nothing.
 */
export function matchRows(left: RowsWithKeys, right: RowsWithKeys, type: JoinType): Matches {
  const outLeft = new IntList(left.batch.numRows);
  const outRight = new IntList(left.batch.numRows);
  const r = groupSide(right);
  const l = groupSide(left);

  // Right groups by key string, null keys left out.
  const byKey = new Map<string, number>();
  for (let g = 0; g < r.count; g++) if (!r.nullKey[g]) byKey.set(r.keyString(g), g);
  // Right rows of each group, contiguous (counting sort by group).
  const start = new Int32Array(r.count + 1);
  for (let i = 0; i < r.gid.length; i++) start[r.gid[i]! + 1]!++;
  for (let g = 0; g < r.count; g++) start[g + 1]! += start[g]!;
  const rows = new Int32Array(r.gid.length);
  const fill = start.slice(0, r.count);
  for (let i = 0; i < r.gid.length; i++) rows[fill[r.gid[i]!]!++] = i;

  const partner = new Int32Array(l.count).fill(-1);
  for (let g = 0; g < l.count; g++) if (!l.nullKey[g]) partner[g] = byKey.get(l.keyString(g)) ?? -1;

  const keepLeft = type === 'left' || type === 'full';
  const matched = new Uint8Array(r.count);
  for (let i = 0; i < l.gid.length; i++) {
    const p = partner[l.gid[i]!]!;
    if (p < 0) {
      if (keepLeft) {
        outLeft.push(i);
        outRight.push(-1);
      }
      continue;
    }
    matched[p] = 1;
    for (let k = start[p]!; k < start[p + 1]!; k++) {
      outLeft.push(i);
      outRight.push(rows[k]!);
    }
  }
  if (type === 'right' || type === 'full') {
    for (let i = 0; i < r.gid.length; i++) {
      if (matched[r.gid[i]!]) continue;
      outLeft.push(-1);
      outRight.push(i);
    }
  }
  return { left: outLeft.view(), right: outRight.view() };
}

interface Grouped {
  count: number;
  gid: Int32Array;
  nullKey: Uint8Array;
  keyString(g: number): string;
}

function groupSide(side: RowsWithKeys): Grouped {
  const cols = new KeyColumns(side.batch, side.keys.names, side.keys.types);
  const { count, gid, first } = grouper.group(side.hashes, cols);
  const nulls = nullKeyRows(side.batch, side.keys.names);
  const nullKey = new Uint8Array(count);
  if (nulls) for (let g = 0; g < count; g++) nullKey[g] = nulls[first[g]!]!;
  return { count, gid, nullKey, keyString: (g) => cols.encode(first[g]!) };
}
