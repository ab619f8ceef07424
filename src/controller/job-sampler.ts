// Turns the cumulative per-subtask counters workers report (heartbeats, final task events) into
// one Sample a second for the job's history, and keeps each subtask's last minute of rates for
// operator_metrics. Pure: the caller passes the run's counters, worker figures and the time.

import { mergeInto, sparseDelta } from '../metrics/histogram.js';
import { MetricsHistory, Ring, type Sample } from '../metrics/history.js';
import type { SubtaskMetrics } from '../wire.js';

export interface SubtaskInput {
  m: SubtaskMetrics;
  source: boolean;
  sink: boolean;
}

export interface SampleInput {
  runId: number;
  subtasks: SubtaskInput[];
  /** Job failures so far (a counter that starts at 0 with the controller). */
  failures: number;
  cpu_percent: number;
  memory_bytes: number;
}

/** Per second rates of one subtask, in the order of OPERATOR_METRICS (backpressure: level 0–1). */
export interface RatePoint {
  t: number;
  values: number[];
}

export const SERIES_POINTS = 60;
/** A gap longer than this (job at rest, controller busy) is not spread over one sample. */
const MAX_GAP_MS = 5000;

const COUNTERS = ['records_in', 'records_out', 'bytes_in', 'bytes_out', 'batches_in', 'batches_out', 'deserialization_errors'] as const;

export class JobSampler {
  readonly history: MetricsHistory;
  /** `task/index` → last minute of rates, for the current run only. */
  readonly series = new Map<string, Ring<RatePoint>>();
  private prev = new Map<string, SubtaskMetrics>();
  private runId = -1;
  private lastAt = 0;
  private failures = 0;

  constructor(now: () => number) {
    this.history = new MetricsHistory(now);
  }

  sample(input: SampleInput, now: number): Sample {
    const dt = this.lastAt > 0 && now - this.lastAt <= MAX_GAP_MS ? Math.max(1, now - this.lastAt) : 1000;
    this.lastAt = now;
    if (input.runId !== this.runId) {
      // A new run's counters start from zero: nothing to subtract, and old series are stale.
      this.runId = input.runId;
      this.prev = new Map();
      this.series.clear();
    }
    const s: Sample = { t: now, dt, events_in: 0, events_out: 0, errors: 0, backpressure_events: 0, backpressure_level: 0, cpu_percent: input.cpu_percent, memory_bytes: input.memory_bytes, latency: new Map() };
    for (const { m, source, sink } of input.subtasks) {
      const key = `${m.task_id}/${m.subtask_index}`;
      const p = this.prev.get(key);
      const d = (k: (typeof COUNTERS)[number] | 'backpressure_events' | 'backpressure_ms') => Math.max(0, (m[k] ?? 0) - (p?.[k] ?? 0));
      if (source) s.events_in += d('records_in');
      if (sink) s.events_out += d('records_out');
      s.errors += d('deserialization_errors');
      s.backpressure_events += d('backpressure_events');
      const level = Math.min(1, d('backpressure_ms') / dt);
      s.backpressure_level = Math.max(s.backpressure_level, level);
      if (m.latency && m.latency.length > 0) mergeInto(s.latency, sparseDelta(m.latency, p?.latency));
      let ring = this.series.get(key);
      if (!ring) this.series.set(key, (ring = new Ring(SERIES_POINTS)));
      ring.push({ t: now, values: [...COUNTERS.map((k) => (d(k) * 1000) / dt), level] });
      this.prev.set(key, m);
    }
    s.errors += Math.max(0, input.failures - this.failures);
    this.failures = input.failures;
    this.history.add(s);
    return s;
  }
}
