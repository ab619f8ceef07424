// Latency histograms with log-spaced buckets (each 10 % wider than the last, from 0.01 ms): they
// merge by adding counts, so subtasks and time intervals combine exactly, and a percentile read
// from them is within ~5 % of the true value. Workers keep a dense array per sink subtask and
// send it sparse (`[bucket, count, bucket, count, …]`, cumulative) with every heartbeat.

const BASE_MS = 0.01;
const LOG_GROWTH = Math.log(1.1);
/** 0.01 ms × 1.1^255 is about 100 hours; slower samples land in the last bucket. */
export const BUCKETS = 256;

/** Flat `[bucket, count, …]` pairs, buckets ascending; what crosses the wire. */
export type SparseHistogram = number[];
/** bucket → count; what the controller adds up. */
export type Histogram = Map<number, number>;

export function bucketOf(ms: number): number {
  if (!(ms > BASE_MS)) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / BASE_MS) / LOG_GROWTH));
}

/** The value a bucket stands for: the geometric middle of its range. */
export function bucketValue(b: number): number {
  return b === 0 ? BASE_MS : BASE_MS * Math.exp((b - 0.5) * LOG_GROWTH);
}

export function newDense(): Float64Array {
  return new Float64Array(BUCKETS);
}

export function record(dense: Float64Array, ms: number): void {
  dense[bucketOf(ms)]! += 1;
}

export function toSparse(dense: Float64Array): SparseHistogram {
  const out: SparseHistogram = [];
  for (let b = 0; b < dense.length; b++) if (dense[b]! > 0) out.push(b, dense[b]!);
  return out;
}

/** What `cur` counted since `prev` (both cumulative, of the same subtask). */
export function sparseDelta(cur: SparseHistogram, prev: SparseHistogram | undefined): Histogram {
  const out: Histogram = new Map();
  for (let i = 0; i + 1 < cur.length; i += 2) out.set(cur[i]!, cur[i + 1]!);
  if (prev) {
    for (let i = 0; i + 1 < prev.length; i += 2) {
      const left = (out.get(prev[i]!) ?? 0) - prev[i + 1]!;
      if (left > 0) out.set(prev[i]!, left);
      else out.delete(prev[i]!);
    }
  }
  return out;
}

export function mergeInto(target: Histogram, h: Histogram): Histogram {
  for (const [b, n] of h) target.set(b, (target.get(b) ?? 0) + n);
  return target;
}

export function countOf(h: Histogram): number {
  let n = 0;
  for (const c of h.values()) n += c;
  return n;
}

/** The q-quantile (0 < q ≤ 1) in ms, 3 significant digits; null without samples. */
export function quantile(h: Histogram, q: number): number | null {
  const total = countOf(h);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const b of [...h.keys()].sort((x, y) => x - y)) {
    seen += h.get(b)!;
    if (seen >= rank) return Number(bucketValue(b).toPrecision(3));
  }
  return Number(bucketValue(Math.max(...h.keys())).toPrecision(3));
}
