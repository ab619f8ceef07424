// The group_by columns of one batch, read straight from their Arrow buffers: row equality for the
// per-batch hash table (no per-row allocation), and the key string that names a group in keyed
// state (built once per group and batch, not per row).
//
// Key strings are deterministic and decodable given the column types: per column, `~` for null,
// `s<length>:<text>` for utf8, else `v<text>;` with int64/timestamp in exact decimal, float64 as
// JavaScript prints it (round-trips; -0 reads as 0 and all NaNs are one key, as the hash has it)
// and bool as 1/0. Equality here agrees with the strings: equal rows ⇔ equal strings.

import type { RecordBatch } from 'apache-arrow';
import { InternalError } from '../../errors.js';
import { singleData, validityOf } from '../../dataflow/arrow/index.js';
import { words } from '../../dataflow/arrow/data.js';
import { decode, equalBytes } from '../../sql/expr/utf8.js';
import type { FieldType } from '../../types.js';

/** A key column as decodeKey gives it back: int64 and timestamp as bigint, exact. */
export type KeyValue = number | bigint | string | boolean | null;

/** One key column's buffers, as KeyColumns reads them (window/key-table.ts compares rows with them). */
export interface KeyCol {
  type: FieldType;
  /** Validity bitmap (null: no nulls) and the bit offset of row 0 in it and in Bool values. */
  valid: Uint8Array | null;
  off: number;
  /** int32: values; int64/timestamp: 2 words per row; bool: bitmap; utf8: offsets. */
  ints: Int32Array;
  floats: Float64Array;
  bytes: Uint8Array;
}

const NO_INTS = new Int32Array(0);
const NO_FLOATS = new Float64Array(0);
const NO_BYTES = new Uint8Array(0);
const TWO_32 = 4294967296;
/** |hi word| under 2^21: the int64 is a safe double, so no BigInt is needed to print it. */
const SAFE_HI = 2097152;

export class KeyColumns {
  private readonly cols: KeyCol[];

  constructor(batch: RecordBatch, names: readonly string[], types: readonly FieldType[]) {
    this.cols = names.map((name, c) => {
      const vector = batch.getChild(name);
      if (!vector) throw new InternalError(`group_by column "${name}" is missing from the batch`);
      const data = singleData(vector);
      const type = types[c]!;
      const col: KeyCol = { type, valid: validityOf(data), off: data.offset, ints: NO_INTS, floats: NO_FLOATS, bytes: NO_BYTES };
      if (type === 'float64') col.floats = data.values as Float64Array;
      else if (type === 'bool') col.bytes = data.values as Uint8Array;
      else if (type === 'utf8') [col.ints, col.bytes] = [data.valueOffsets, data.values as Uint8Array];
      else col.ints = words(data.values as Int32Array | BigInt64Array);
      return col;
    });
  }

  /** Column c's buffers. */
  column(c: number): Readonly<KeyCol> {
    return this.cols[c]!;
  }

  /** Whether rows i and j hold the same key (null equals null, as GROUP BY has it). */
  equal(i: number, j: number): boolean {
    for (const c of this.cols) {
      if (c.valid) {
        const vi = (c.valid[(c.off + i) >> 3]! >> ((c.off + i) & 7)) & 1;
        const vj = (c.valid[(c.off + j) >> 3]! >> ((c.off + j) & 7)) & 1;
        if (vi !== vj) return false;
        if (vi === 0) continue;
      }
      switch (c.type) {
        case 'int32':
          if (c.ints[i] !== c.ints[j]) return false;
          break;
        case 'int64':
        case 'timestamp':
          if (c.ints[2 * i] !== c.ints[2 * j] || c.ints[2 * i + 1] !== c.ints[2 * j + 1]) return false;
          break;
        case 'float64': {
          const a = c.floats[i]!;
          const b = c.floats[j]!;
          if (a !== b && (a === a || b === b)) return false;
          break;
        }
        case 'bool':
          if (((c.bytes[(c.off + i) >> 3]! >> ((c.off + i) & 7)) & 1) !== ((c.bytes[(c.off + j) >> 3]! >> ((c.off + j) & 7)) & 1)) return false;
          break;
        case 'utf8': {
          const o = c.ints;
          if (!equalBytes(c.bytes, o[i]!, o[i + 1]!, c.bytes, o[j]!, o[j + 1]!)) return false;
          break;
        }
      }
    }
    return true;
  }

  /** The key string of row i. */
  encode(i: number): string {
    let out = '';
    for (const c of this.cols) {
      if (c.valid && ((c.valid[(c.off + i) >> 3]! >> ((c.off + i) & 7)) & 1) === 0) {
        out += '~';
        continue;
      }
      switch (c.type) {
        case 'int32':
          out += `v${c.ints[i]!};`;
          break;
        case 'int64':
        case 'timestamp': {
          const lo = c.ints[2 * i]! >>> 0;
          const hi = c.ints[2 * i + 1]!;
          out += hi >= -SAFE_HI && hi < SAFE_HI ? `v${hi * TWO_32 + lo};` : `v${(BigInt(hi) << 32n) | BigInt(lo)};`;
          break;
        }
        case 'float64':
          out += `v${String(c.floats[i]!)};`;
          break;
        case 'bool':
          out += (c.bytes[(c.off + i) >> 3]! >> ((c.off + i) & 7)) & 1 ? 'v1;' : 'v0;';
          break;
        case 'utf8': {
          const s = decode(c.bytes, c.ints[i]!, c.ints[i + 1]!);
          out += `s${s.length}:${s}`;
          break;
        }
      }
    }
    return out;
  }
}

/** The key's column values back from its string (for tools and tests; not on the data path). */
export function decodeKey(key: string, types: readonly FieldType[]): KeyValue[] {
  const out: KeyValue[] = [];
  let pos = 0;
  for (const type of types) {
    const tag = key[pos];
    if (tag === '~') {
      out.push(null);
      pos += 1;
    } else if (tag === 's' && type === 'utf8') {
      const colon = key.indexOf(':', pos);
      const length = Number(key.slice(pos + 1, colon));
      out.push(key.slice(colon + 1, colon + 1 + length));
      pos = colon + 1 + length;
    } else if (tag === 'v' && type !== 'utf8') {
      const end = key.indexOf(';', pos);
      const text = key.slice(pos + 1, end);
      out.push(type === 'int64' || type === 'timestamp' ? BigInt(text) : type === 'bool' ? text === '1' : Number(text));
      pos = end + 1;
    } else {
      throw new InternalError(`key "${key}" does not match the key types ${types.join(', ')}`);
    }
  }
  if (pos !== key.length) throw new InternalError(`key "${key}" has more parts than the key types ${types.join(', ')}`);
  return out;
}
