// count(DISTINCT x): each group keeps the set of the values it has seen. Values go into a JS Set
// as numbers where that is exact (int32, float64, bool as 0/1, int64/timestamp within ±2^53) and
// as strings otherwise (utf8 text; int64 beyond 2^53 in exact decimal, which no number collides
// with since such values are never stored as numbers). Set equality is SameValueZero: -0 equals
// 0 and NaN equals NaN, as GROUP BY has it. Null values are not counted.

import type * as arrow from 'apache-arrow';
import { words } from '../../dataflow/arrow/data.js';
import { decode } from '../../sql/expr/utf8.js';
import type { FieldType } from '../../types.js';

export type DistinctValue = number | string;
export type DistinctSet = Set<DistinctValue>;

const TWO_32 = 4294967296;
/** |hi word| under 2^21: the int64 is a safe double. */
const SAFE_HI = 2097152;

/** Adds row i's value (when valid) to `sets[gid[i]]`. `valid`/`off` as in accumulate.ts. */
export function addDistinct(gid: Int32Array, data: arrow.Data, type: FieldType, valid: Uint8Array | null, off: number, sets: DistinctSet[]): void {
  const n = gid.length;
  switch (type) {
    case 'int32':
    case 'float64': {
      const x = data.values as Int32Array | Float64Array;
      for (let i = 0; i < n; i++) if (!valid || (valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) sets[gid[i]!]!.add(x[i]!);
      return;
    }
    case 'int64':
    case 'timestamp': {
      const w = words(data.values as BigInt64Array);
      for (let i = 0; i < n; i++) {
        if (valid && ((valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 0) continue;
        const lo = w[2 * i]! >>> 0;
        const hi = w[2 * i + 1]!;
        sets[gid[i]!]!.add(hi >= -SAFE_HI && hi < SAFE_HI ? hi * TWO_32 + lo : ((BigInt(hi) << 32n) | BigInt(lo)).toString());
      }
      return;
    }
    case 'bool': {
      const bits = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        if (valid && ((valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 0) continue;
        sets[gid[i]!]!.add((bits[(off + i) >> 3]! >> ((off + i) & 7)) & 1);
      }
      return;
    }
    case 'utf8': {
      const o = data.valueOffsets;
      const bytes = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        if (valid && ((valid[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 0) continue;
        sets[gid[i]!]!.add(decode(bytes, o[i]!, o[i + 1]!));
      }
      return;
    }
  }
}
