// Window answers from a job's samples (src/metrics/history.ts): totals, rates and latency
// percentiles over the window, and a `history` series at a step that keeps it near 60–100 points.

import { countOf, mergeInto, quantile, type Histogram } from './histogram.js';
import { fold, type Sample } from './history.js';

export const WINDOWS = { '1m': 60_000, '5m': 300_000, '1h': 3_600_000, '24h': 86_400_000 } as const;
export type MetricsWindow = keyof typeof WINDOWS;
/** Step of the `history` series per window. */
export const HISTORY_STEP_MS: Record<MetricsWindow, number> = { '1m': 1000, '5m': 5000, '1h': 60_000, '24h': 900_000 };

export interface LatencyPercentiles {
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  p999_ms: number | null;
  /** Batches measured. */
  samples: number;
}

export interface WindowSummary {
  /** Seconds of the window the job was sampled (live). */
  seconds: number;
  events_in: number;
  events_out: number;
  errors: number;
  backpressure_events: number;
  throughput_per_sec: number;
  backpressure_level_avg: number;
  cpu_percent_avg: number;
  latency: LatencyPercentiles;
}

export interface HistoryPoint {
  timestamp: string;
  throughput_per_sec: number;
  events_processed: number;
  latency_p99_ms: number | null;
  backpressure_level: number;
  errors: number;
  cpu_usage_percent: number;
  memory_used_mb: number;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
export const mb = (bytes: number) => round(bytes / 1048576, 1);

export function percentiles(h: Histogram): LatencyPercentiles {
  return { p50_ms: quantile(h, 0.5), p95_ms: quantile(h, 0.95), p99_ms: quantile(h, 0.99), p999_ms: quantile(h, 0.999), samples: countOf(h) };
}

const EMPTY: Sample = { t: 0, dt: 0, events_in: 0, events_out: 0, errors: 0, backpressure_events: 0, backpressure_level: 0, cpu_percent: 0, memory_bytes: 0, latency: new Map() };

export function summarize(samples: Sample[]): WindowSummary {
  const all = samples.reduce((acc, s) => fold(acc, s), EMPTY);
  const seconds = all.dt / 1000;
  return {
    seconds: round(seconds, 1),
    events_in: all.events_in,
    events_out: all.events_out,
    errors: all.errors,
    backpressure_events: all.backpressure_events,
    throughput_per_sec: seconds > 0 ? round(all.events_in / seconds, 1) : 0,
    backpressure_level_avg: round(all.backpressure_level, 3),
    cpu_percent_avg: round(all.cpu_percent, 1),
    latency: percentiles(mergeInto(new Map(), all.latency)),
  };
}

/** One point per step that has samples (steps without any, e.g. while stopped, are left out). */
export function historySeries(samples: Sample[], stepMs: number): HistoryPoint[] {
  const steps = new Map<number, Sample>();
  for (const s of samples) {
    // A sample belongs to the step its interval ended in.
    const key = Math.floor((s.t - 1) / stepMs) * stepMs;
    const prev = steps.get(key);
    steps.set(key, prev ? fold(prev, s) : s);
  }
  return [...steps.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, s]) => ({
      timestamp: new Date(start).toISOString(),
      throughput_per_sec: s.dt > 0 ? round((s.events_in * 1000) / s.dt, 1) : 0,
      events_processed: s.events_in,
      latency_p99_ms: quantile(s.latency, 0.99),
      backpressure_level: round(s.backpressure_level, 3),
      errors: s.errors,
      cpu_usage_percent: round(s.cpu_percent, 1),
      memory_used_mb: mb(s.memory_bytes),
    }));
}
