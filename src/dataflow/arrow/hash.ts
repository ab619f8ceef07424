// Key hashing for shuffles: MurmurHash3 (x86, 32-bit) over value bytes, so every process and
// run agrees. A row's hash chains its key columns: each column's hash is seeded with the hash so
// far. Numbers hash as their int64 value (int32, int64, timestamp, bool and integral float64 of
// equal value hash alike, so a join key may be int32 on one side and int64 on the other); other
// float64 values hash their IEEE bytes. Utf8 hashes its bytes straight from the Arrow buffer.
//
// Partitions are contiguous ranges of the 32-bit hash space (as in Arroyo): partition p of n
// owns hashes h with floor(h * n / 2^32) = p, so state can later move between subtasks by hash
// range when parallelism changes.

import type * as arrow from 'apache-arrow';
import { InternalError } from '../../errors.js';
import { getBit } from './bits.js';
import { validityOf, words } from './data.js';
import { fieldTypeOf } from './schema.js';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;
/** Mixed in for a null key value, with a length no value has. */
const NULL_WORD = 0x6e756c6c;

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** MurmurHash3_x86_32 of an 8-byte little-endian value given as two words. */
function hash64(lo: number, hi: number, seed: number): number {
  return fmix(mixH(mixH(seed, lo), hi), 8);
}

/** MurmurHash3_x86_32 of bytes[start, end). */
export function murmur3Bytes(bytes: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed | 0;
  let i = start;
  for (const whole = end - ((end - start) & 3); i < whole; i += 4) {
    h = mixH(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  const rest = end - i;
  if (rest > 0) {
    let k = bytes[i]!;
    if (rest > 1) k |= bytes[i + 1]! << 8;
    if (rest > 2) k |= bytes[i + 2]! << 16;
    h ^= mixK(k);
  }
  return fmix(h, end - start);
}

/** Per-row hash of the key columns (uint32; an empty key list hashes every row alike). */
export function hashKeys(batch: arrow.RecordBatch, keys: string[]): Uint32Array {
  const n = batch.numRows;
  const h = new Uint32Array(n);
  for (const key of keys) {
    const col = batch.getChild(key);
    if (!col) throw new InternalError(`hash key "${key}" is not a column of the batch`);
    hashColumn(col.data[0]!, h);
  }
  return h;
}

/** Mixes one column into the running hashes `h` (seeded by them). */
function hashColumn(data: arrow.Data, h: Uint32Array): void {
  const n = data.length;
  const off = data.offset;
  const type = fieldTypeOf(data.type);
  const validity = validityOf(data);
  // Null rows hash a fixed word instead of whatever their value slot holds; keep their seeds.
  const seeds = validity ? h.slice() : null;
  switch (type) {
    case 'int32': {
      const v = data.values as Int32Array;
      for (let i = 0; i < n; i++) h[i] = hash64(v[i]!, v[i]! >> 31, h[i]!);
      break;
    }
    case 'int64':
    case 'timestamp': {
      const w = words(data.values as BigInt64Array);
      for (let i = 0; i < n; i++) h[i] = hash64(w[2 * i]!, w[2 * i + 1]!, h[i]!);
      break;
    }
    case 'float64': {
      const v = data.values as Float64Array;
      const w = words(v);
      for (let i = 0; i < n; i++) {
        const x = v[i]!;
        if (Number.isInteger(x) && x >= -TWO_63 && x < TWO_63) {
          const hi = Math.floor(x / TWO_32);
          h[i] = hash64((x - hi * TWO_32) | 0, hi, h[i]!);
        } else if (x !== x) {
          h[i] = hash64(0, 0x7ff80000, h[i]!); // one canonical NaN
        } else {
          h[i] = hash64(w[2 * i]!, w[2 * i + 1]!, h[i]!);
        }
      }
      break;
    }
    case 'bool': {
      const v = data.values as Uint8Array;
      for (let i = 0; i < n; i++) h[i] = hash64(getBit(v, off + i) ? 1 : 0, 0, h[i]!);
      break;
    }
    case 'utf8': {
      const o = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      for (let i = 0; i < n; i++) h[i] = murmur3Bytes(bytes, o[i]!, o[i + 1]!, h[i]!);
      break;
    }
    default:
      throw new InternalError(`cannot hash a column of type ${String(data.type)}`);
  }
  if (validity && seeds) {
    for (let i = 0; i < n; i++) if (!getBit(validity, off + i)) h[i] = fmix(mixH(seeds[i]!, NULL_WORD), 0xffffffff);
  }
}

/** The partition (0..n-1) of a row hash: partitions own equal contiguous ranges of hash space. */
export function partitionOfHash(hash: number, n: number): number {
  return Math.floor((hash * n) / TWO_32);
}

/** Row indices of each of `n` partitions, ascending, by the hash of the key columns. */
export function partitionIndices(batch: arrow.RecordBatch, keys: string[], n: number): Int32Array[] {
  if (!Number.isInteger(n) || n < 1) throw new InternalError(`partition count must be a positive integer, got ${n}`);
  const rows = batch.numRows;
  const part = new Int32Array(rows);
  const counts = new Int32Array(n);
  if (n > 1) {
    const h = hashKeys(batch, keys);
    for (let i = 0; i < rows; i++) counts[(part[i] = partitionOfHash(h[i]!, n))]!++;
  } else {
    counts[0] = rows;
  }
  const out = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(n);
  for (let i = 0; i < rows; i++) {
    const p = part[i]!;
    out[p]![fill[p]!++] = i;
  }
  return out;
}
