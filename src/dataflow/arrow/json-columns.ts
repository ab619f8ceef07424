// Growable per-type column builders behind JsonBatchBuilder. Appending a row is two steps so a
// bad row never half-lands: stage() checks and converts one value (returns an error text or
// null) and commit() writes what was staged. Values land straight in typed arrays and hand-built
// Utf8 offsets/bytes; validity is one byte per row, packed into bits at finish().

import type * as arrow from 'apache-arrow';
import type { FieldType } from '../../types.js';
import { packBytes } from './bits.js';
import { fixedData, utf8Data } from './data.js';
import { arrowType } from './schema.js';
import { MAX_TIMESTAMP_MS, parseTimestamp } from './timestamp.js';

const TWO_32 = 4294967296;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;
const INT64_DIGITS = /^-?\d{1,19}$/;

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

abstract class ColumnBuilder {
  length = 0;
  protected nulls = 0;
  protected validity: Uint8Array;
  protected pendingNull = false;

  constructor(protected capacity: number) {
    this.validity = new Uint8Array(capacity);
  }

  /** Checks and converts a present, non-null value; returns an error text (without the field name) or null. */
  stage(v: unknown): string | null {
    // A row that failed on a later field may have left a staged null here.
    this.pendingNull = false;
    return this.check(v);
  }
  protected abstract check(v: unknown): string | null;
  protected abstract commitValue(row: number): void;
  /** Null rows still need a slot in offset-based layouts. */
  protected commitNull(_row: number): void {}
  /** Copies the value buffers into room for `capacity` rows. */
  protected abstract grow(capacity: number): void;
  /** Fresh value buffers after finish() handed the old ones to a batch. */
  protected abstract reset(): void;
  protected abstract finishData(length: number, bitmap: Uint8Array | null, nulls: number): arrow.Data;

  stageNull(): void {
    this.pendingNull = true;
  }

  commit(): void {
    const row = this.length;
    if (row === this.capacity) {
      this.capacity *= 2;
      const validity = new Uint8Array(this.capacity);
      validity.set(this.validity);
      this.validity = validity;
      this.grow(this.capacity);
    }
    if (this.pendingNull) {
      this.pendingNull = false;
      this.nulls++;
      this.commitNull(row);
    } else {
      this.validity[row] = 1;
      this.commitValue(row);
    }
    this.length = row + 1;
  }

  /** The column so far; the builder starts over with fresh buffers (the Data owns the old ones). */
  finish(): arrow.Data {
    const n = this.length;
    const bitmap = this.nulls > 0 ? packBytes(this.validity, n).bitmap : null;
    const data = this.finishData(n, bitmap, this.nulls);
    this.validity.fill(0, 0, n);
    this.length = 0;
    this.nulls = 0;
    this.reset();
    return data;
  }
}

function grown<T extends Int32Array | Float64Array | Uint8Array>(a: T, size: number): T {
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a);
  return out;
}

class Int32Column extends ColumnBuilder {
  private values = new Int32Array(this.capacity);
  private pending = 0;
  protected check(v: unknown): string | null {
    if (typeof v === 'number') {
      if ((v | 0) === v) {
        this.pending = v;
        return null;
      }
      return `expected int32, got ${Number.isInteger(v) ? 'out-of-range' : 'non-integer'} number ${v}`;
    }
    if (typeof v === 'bigint' && BigInt.asIntN(32, v) === v) {
      this.pending = Number(v);
      return null;
    }
    return `expected int32, got ${jsonType(v)}`;
  }
  protected commitValue(row: number): void {
    this.values[row] = this.pending;
  }
  protected grow(capacity: number): void {
    this.values = grown(this.values, capacity);
  }
  protected reset(): void {
    this.values = new Int32Array(this.capacity);
  }
  protected finishData(n: number, bitmap: Uint8Array | null, nulls: number): arrow.Data {
    return fixedData(arrowType('int32'), n, this.values.subarray(0, n), bitmap, nulls);
  }
}

class Float64Column extends ColumnBuilder {
  private values = new Float64Array(this.capacity);
  private pending = 0;
  protected check(v: unknown): string | null {
    if (typeof v !== 'number') return `expected float64, got ${jsonType(v)}`;
    this.pending = v;
    return null;
  }
  protected commitValue(row: number): void {
    this.values[row] = this.pending;
  }
  protected grow(capacity: number): void {
    this.values = grown(this.values, capacity);
  }
  protected reset(): void {
    this.values = new Float64Array(this.capacity);
  }
  protected finishData(n: number, bitmap: Uint8Array | null, nulls: number): arrow.Data {
    return fixedData(arrowType('float64'), n, this.values.subarray(0, n), bitmap, nulls);
  }
}

/** int64 and timestamp: written as two 32-bit words, so a JSON number never becomes a BigInt. */
class Int64Column extends ColumnBuilder {
  private words = new Int32Array(this.capacity * 2);
  private lo = 0;
  private hi = 0;
  constructor(
    capacity: number,
    private readonly type: 'int64' | 'timestamp',
  ) {
    super(capacity);
  }
  protected check(v: unknown): string | null {
    if (typeof v === 'number') return this.type === 'int64' ? this.stageInt64Number(v) : this.stageMillis(v);
    if (typeof v === 'string') return this.type === 'int64' ? this.stageDigits(v) : this.stageIso(v);
    if (typeof v === 'bigint' && BigInt.asIntN(64, v) === v) return this.stageBigInt(v);
    if (v instanceof Date && this.type === 'timestamp') return this.stageMillis(v.getTime());
    return `expected ${this.type}, got ${jsonType(v)}`;
  }
  private stageInt64Number(v: number): string | null {
    // Every integral double in [-2^63, 2^63) is an int64; the split below is exact for them.
    if (!Number.isInteger(v)) return `expected int64, got non-integer number ${v}`;
    if (v < -9223372036854775808 || v >= 9223372036854775808) return `expected int64, got out-of-range number ${v}`;
    const hi = Math.floor(v / TWO_32);
    this.hi = hi;
    this.lo = (v - hi * TWO_32) | 0;
    return null;
  }
  private stageDigits(s: string): string | null {
    if (!INT64_DIGITS.test(s)) return `expected int64, got non-numeric string`;
    const b = BigInt(s);
    if (b < INT64_MIN || b > INT64_MAX) return `expected int64, got out-of-range string ${s}`;
    return this.stageBigInt(b);
  }
  private stageBigInt(b: bigint): null {
    this.lo = Number(BigInt.asIntN(32, b));
    this.hi = Number(BigInt.asIntN(32, b >> 32n));
    return null;
  }
  private stageMillis(ms: number): string | null {
    if (!Number.isInteger(ms) || ms < -MAX_TIMESTAMP_MS || ms > MAX_TIMESTAMP_MS) {
      return `expected timestamp, got number ${ms} (not integral milliseconds in range)`;
    }
    return this.stageInt64Number(ms);
  }
  private stageIso(s: string): string | null {
    const ms = parseTimestamp(s);
    if (Number.isNaN(ms)) return `expected timestamp, got string that is not ISO-8601: ${JSON.stringify(s.slice(0, 40))}`;
    return this.stageInt64Number(ms);
  }
  protected commitValue(row: number): void {
    this.words[row * 2] = this.lo;
    this.words[row * 2 + 1] = this.hi;
  }
  protected grow(capacity: number): void {
    this.words = grown(this.words, capacity * 2);
  }
  protected reset(): void {
    this.words = new Int32Array(this.capacity * 2);
  }
  protected finishData(n: number, bitmap: Uint8Array | null, nulls: number): arrow.Data {
    const values = new BigInt64Array(this.words.buffer, 0, n);
    return fixedData(arrowType(this.type), n, values, bitmap, nulls);
  }
}

class BoolColumn extends ColumnBuilder {
  private values = new Uint8Array(this.capacity);
  private pending = 0;
  protected check(v: unknown): string | null {
    if (typeof v !== 'boolean') return `expected bool, got ${jsonType(v)}`;
    this.pending = v ? 1 : 0;
    return null;
  }
  protected commitValue(row: number): void {
    this.values[row] = this.pending;
  }
  protected grow(capacity: number): void {
    this.values = grown(this.values, capacity);
  }
  protected reset(): void {
    this.values = new Uint8Array(this.capacity);
  }
  protected finishData(n: number, bitmap: Uint8Array | null, nulls: number): arrow.Data {
    return fixedData(arrowType('bool'), n, packBytes(this.values, n).bitmap, bitmap, nulls);
  }
}

class Utf8Column extends ColumnBuilder {
  private offsets = new Int32Array(this.capacity + 1);
  private bytes = new Uint8Array(this.capacity * 16);
  private pending = '';
  private lastBytes = 0;
  private static readonly encoder = new TextEncoder();
  protected check(v: unknown): string | null {
    if (typeof v !== 'string') return `expected utf8, got ${jsonType(v)}`;
    this.pending = v;
    return null;
  }
  protected commitValue(row: number): void {
    const s = this.pending;
    let at = this.offsets[row]!;
    // Worst case 3 bytes per UTF-16 unit; grow before writing so encodeInto never truncates.
    if (at + s.length * 3 > this.bytes.length) {
      const bytes = new Uint8Array(Math.max(this.bytes.length * 2, at + s.length * 3));
      bytes.set(this.bytes.subarray(0, at));
      this.bytes = bytes;
    }
    const bytes = this.bytes;
    const n = s.length;
    let i = 0;
    // Short ASCII strings (most keys and ids) are copied by hand; encodeInto takes the rest.
    if (n < 64) {
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        bytes[at + i] = c;
      }
    }
    if (i < n) at += i + Utf8Column.encoder.encodeInto(i === 0 ? s : s.slice(i), bytes.subarray(at + i)).written;
    else at += n;
    this.offsets[row + 1] = at;
    this.pending = '';
  }
  protected override commitNull(row: number): void {
    this.offsets[row + 1] = this.offsets[row]!;
  }
  protected grow(capacity: number): void {
    this.offsets = grown(this.offsets, capacity + 1);
  }
  protected reset(): void {
    this.offsets = new Int32Array(this.capacity + 1);
    // Start the next batch with room for about as many bytes as this one needed.
    this.bytes = new Uint8Array(Math.max(this.lastBytes + (this.lastBytes >> 2), this.capacity * 16));
  }
  protected finishData(n: number, bitmap: Uint8Array | null, nulls: number): arrow.Data {
    const end = this.offsets[n]!;
    this.lastBytes = end;
    return utf8Data(n, this.offsets.subarray(0, n + 1), this.bytes.subarray(0, end), bitmap, nulls);
  }
}

export type { ColumnBuilder };

export function columnBuilder(type: FieldType, capacity: number): ColumnBuilder {
  switch (type) {
    case 'int32':
      return new Int32Column(capacity);
    case 'int64':
    case 'timestamp':
      return new Int64Column(capacity, type);
    case 'float64':
      return new Float64Column(capacity);
    case 'bool':
      return new BoolColumn(capacity);
    case 'utf8':
      return new Utf8Column(capacity);
  }
}
