// A seeded pseudo-random generator for tests (a 32-bit LCG): the same seed gives the same
// sequence, so randomized cases are reproducible. Values in [0, 1).

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
