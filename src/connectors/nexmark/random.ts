// Counter-based randomness: the draws for event n come from a hash of (seed, n) alone, so an event
// is the same whichever subtask generates it, in whatever batch, after whatever restore. (Arroyo
// seeds one sequential SmallRng per subtask, so its events depend on the parallelism.)
//
// A stream is a 32-bit state the caller keeps in a local: `s = next(s)` advances it and
// below(s, k) / unit(s) read the draw (mulberry32: the output is a mix of the state). Pure
// functions on a local inline well; module-level state measured three times slower.

/** 2^-32: a 32-bit draw times this is uniform in [0, 1). */
export const TWO_POW_M32 = 2.3283064365386963e-10;

/** murmur3's 32-bit finalizer: spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** A 32-bit key standing for a (safe-integer) seed and a purpose (events, pools, ...). */
export function seedKey(seed: number, purpose: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return fmix32(fmix32(lo ^ 0x3c6ef372) ^ Math.imul(hi + 1, 0x9e3779b1) ^ Math.imul(purpose + 1, 0x7f4a7c15));
}

/** The state that starts the draws of key `n` (a non-negative safe integer) under `key`. */
export function start(n: number, key: number): number {
  const lo = n >>> 0;
  const hi = (n / 4294967296) >>> 0;
  return fmix32(fmix32(lo ^ key) ^ Math.imul(hi, 0x9e3779b1));
}

/** The state of the next draw. */
export function next(s: number): number {
  return (s + 0x6d2b79f5) | 0;
}

/** The uniform 32-bit draw of state s. */
export function bits(s: number): number {
  let t = Math.imul(s ^ (s >>> 15), s | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** Uniform integer in [0, k) from state s, k ≤ 2^21 (the product stays exact in a double). */
export function below(s: number, k: number): number {
  return Math.floor(bits(s) * k * TWO_POW_M32);
}

/** Uniform double in [0, 1) from state s. */
export function unit(s: number): number {
  return bits(s) * TWO_POW_M32;
}
