// UTF-8 helpers: decoding single values, a growable builder for string results, and byte-level
// comparison (byte order of UTF-8 equals code point order, our collation).

import type { Mask, StrCol } from './col.js';

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

export function decode(bytes: Uint8Array, start: number, end: number): string {
  // Short ASCII strings are far cheaper to build by hand than through TextDecoder.
  if (end - start <= 64) {
    let s = '';
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) return decoder.decode(bytes.subarray(start, end));
      s += String.fromCharCode(b);
    }
    return s;
  }
  return decoder.decode(bytes.subarray(start, end));
}

export function encode(s: string): Uint8Array {
  return encoder.encode(s);
}

export function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

/** Three-way compare of two byte ranges. */
export function compareBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const la = ae - as;
  const lb = be - bs;
  const l = la < lb ? la : lb;
  for (let i = 0; i < l; i++) {
    const d = a[as + i]! - b[bs + i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

export function equalBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let i = as, j = bs; i < ae; i++, j++) if (a[i] !== b[j]) return false;
  return true;
}

/** Number of code points: every byte that is not a continuation byte starts one. */
export function charCount(bytes: Uint8Array, start: number, end: number): number {
  let c = 0;
  for (let i = start; i < end; i++) if ((bytes[i]! & 0xc0) !== 0x80) c++;
  return c;
}

/** Byte length of the code point whose lead byte is `b`. */
export function seqLen(b: number): number {
  return b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
}

/** Builds the offsets + bytes of a string column row by row. */
export class StrBuilder {
  private bytes: Uint8Array;
  private len = 0;
  private row = 0;
  readonly offsets: Int32Array;

  constructor(rows: number, byteHint = rows * 8) {
    this.offsets = new Int32Array(rows + 1);
    this.bytes = new Uint8Array(Math.max(16, byteHint));
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.len + extra));
    next.set(this.bytes.subarray(0, this.len));
    this.bytes = next;
  }

  pushBytes(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    if (n < 16) {
      const dst = this.bytes;
      for (let i = 0, p = this.len; i < n; i++, p++) dst[p] = src[start + i]!;
    } else {
      this.bytes.set(src.subarray(start, end), this.len);
    }
    this.len += n;
  }

  pushByte(b: number): void {
    this.ensure(1);
    this.bytes[this.len++] = b;
  }

  pushString(s: string): void {
    this.ensure(s.length * 3);
    const dst = this.bytes;
    let p = this.len;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        p += encoder.encodeInto(s.slice(i), dst.subarray(p)).written;
        break;
      }
      dst[p++] = c;
    }
    this.len = p;
  }

  /** Closes the current row (empty rows, e.g. nulls, are just closed without pushing). */
  endRow(): void {
    this.offsets[++this.row] = this.len;
  }

  finish(valid: Mask | null): StrCol {
    return { t: 'str', offsets: this.offsets, bytes: this.bytes.subarray(0, this.len), valid };
  }
}
