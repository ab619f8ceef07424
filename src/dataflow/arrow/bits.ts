// Bitmap helpers (Arrow bitmaps are LSB-first: row i is bit i % 8 of byte i >> 3).

export function bitmapBytes(length: number): number {
  return (length + 7) >> 3;
}

export function getBit(bitmap: Uint8Array, i: number): boolean {
  return (bitmap[i >> 3] & (1 << (i & 7))) !== 0;
}

/** Packs one byte per row (non-zero = set) into a new bitmap; also returns how many rows are unset. */
export function packBytes(bytes: Uint8Array, length: number): { bitmap: Uint8Array; unset: number } {
  const bitmap = new Uint8Array(bitmapBytes(length));
  let set = 0;
  const whole = length & ~7;
  let i = 0;
  for (; i < whole; i += 8) {
    const b =
      (bytes[i] ? 1 : 0) |
      (bytes[i + 1] ? 2 : 0) |
      (bytes[i + 2] ? 4 : 0) |
      (bytes[i + 3] ? 8 : 0) |
      (bytes[i + 4] ? 16 : 0) |
      (bytes[i + 5] ? 32 : 0) |
      (bytes[i + 6] ? 64 : 0) |
      (bytes[i + 7] ? 128 : 0);
    bitmap[i >> 3] = b;
    set += POPCOUNT[b];
  }
  for (; i < length; i++) {
    if (bytes[i]) {
      bitmap[i >> 3] |= 1 << (i & 7);
      set++;
    }
  }
  return { bitmap, unset: length - set };
}

/** Copies `length` bits from src (starting at bit srcOffset) to dst (starting at bit dstOffset). */
export function copyBits(src: Uint8Array, srcOffset: number, dst: Uint8Array, dstOffset: number, length: number): void {
  if ((srcOffset & 7) === 0 && (dstOffset & 7) === 0) {
    const full = length >> 3;
    dst.set(src.subarray(srcOffset >> 3, (srcOffset >> 3) + full), dstOffset >> 3);
    for (let i = full << 3; i < length; i++) setBitTo(dst, dstOffset + i, getBit(src, srcOffset + i));
    return;
  }
  for (let i = 0; i < length; i++) setBitTo(dst, dstOffset + i, getBit(src, srcOffset + i));
}

/** Sets `length` bits starting at bit `offset`. */
export function fillBits(bitmap: Uint8Array, offset: number, length: number): void {
  let i = offset;
  const end = offset + length;
  for (; i < end && (i & 7) !== 0; i++) bitmap[i >> 3] |= 1 << (i & 7);
  const wholeEnd = end & ~7;
  if (i < wholeEnd) {
    bitmap.fill(255, i >> 3, wholeEnd >> 3);
    i = wholeEnd;
  }
  for (; i < end; i++) bitmap[i >> 3] |= 1 << (i & 7);
}

function setBitTo(bitmap: Uint8Array, i: number, on: boolean): void {
  if (on) bitmap[i >> 3] |= 1 << (i & 7);
  else bitmap[i >> 3] &= ~(1 << (i & 7));
}

/** A bitmap of `length` bits starting at bit 0: `bitmap` itself when already aligned, else a shifted copy. */
export function alignedBits(bitmap: Uint8Array, offset: number, length: number): Uint8Array {
  if (offset === 0) return bitmap.subarray(0, bitmapBytes(length));
  if ((offset & 7) === 0) return bitmap.subarray(offset >> 3, (offset >> 3) + bitmapBytes(length));
  const out = new Uint8Array(bitmapBytes(length));
  copyBits(bitmap, offset, out, 0, length);
  return out;
}

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];
