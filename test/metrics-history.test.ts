// The pure metrics modules: latency histograms, the per-job rings (1 s for 5 min, 1 min for 24 h),
// the window answers and the controller's sampler, driven by an injected clock.

import { describe, expect, it } from 'vitest';
import { JobSampler, type SampleInput } from '../src/controller/job-sampler.js';
import { bucketOf, bucketValue, countOf, newDense, quantile, record, sparseDelta, toSparse } from '../src/metrics/histogram.js';
import { MetricsHistory, Ring, type Sample } from '../src/metrics/history.js';
import { historySeries, summarize, WINDOWS } from '../src/metrics/report.js';
import type { SubtaskMetrics } from '../src/wire.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function sample(t: number, over: Partial<Sample> = {}): Sample {
  return { t, dt: 1000, events_in: 100, events_out: 50, errors: 0, backpressure_events: 0, backpressure_level: 0, cpu_percent: 20, memory_bytes: 100 * 1048576, latency: new Map(), ...over };
}

describe('latency histogram', () => {
  it('buckets are ~10 % wide, so a quantile is within 5 % of the value', () => {
    for (const ms of [0.05, 1, 3.3, 12.5, 250, 9000]) {
      const v = bucketValue(bucketOf(ms));
      expect(Math.abs(v - ms) / ms).toBeLessThan(0.05);
    }
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(-3)).toBe(0);
    expect(bucketOf(1e12)).toBe(255);
  });

  it('percentiles of 1..1000 ms, from deltas of cumulative sparse histograms', () => {
    const dense = newDense();
    for (let i = 1; i <= 500; i++) record(dense, i);
    const first = toSparse(dense);
    for (let i = 501; i <= 1000; i++) record(dense, i);
    const all = sparseDelta(toSparse(dense), undefined);
    expect(countOf(all)).toBe(1000);
    expect(quantile(all, 0.5)).toBeGreaterThan(475);
    expect(quantile(all, 0.5)).toBeLessThan(525);
    expect(quantile(all, 0.99)).toBeGreaterThan(940);
    const second = sparseDelta(toSparse(dense), first);
    expect(countOf(second)).toBe(500);
    expect(quantile(second, 0.01)).toBeGreaterThan(480);
    expect(quantile(new Map(), 0.5)).toBeNull();
  });
});

describe('MetricsHistory', () => {
  it('a ring keeps the newest items, oldest first', () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.last()).toBe(5);
  });

  it('1m and 5m windows read 1 s samples; older ones fall out of the fine ring', () => {
    let now = T0;
    const h = new MetricsHistory(() => now);
    for (let i = 1; i <= 400; i++) h.add(sample(T0 + i * 1000, { events_in: i }));
    now = T0 + 400_000;
    const minute = h.samples(WINDOWS['1m']);
    expect(minute).toHaveLength(60);
    expect(minute[0]!.events_in).toBe(341);
    expect(h.samples(WINDOWS['5m'])).toHaveLength(300);
    const s = summarize(minute);
    expect(s.seconds).toBe(60);
    expect(s.events_in).toBe((341 + 400) * 30);
    expect(s.throughput_per_sec).toBeCloseTo(((341 + 400) * 30) / 60, 1);
    expect(h.latest()!.events_in).toBe(400);
  });

  it('1h and 24h windows read per-minute folds, which keep totals and weight levels by time', () => {
    let now = T0;
    const h = new MetricsHistory(() => now);
    // Two hours of 1 s samples; backpressure 1.0 in the last 30 s of every minute.
    for (let i = 1; i <= 7200; i++) h.add(sample(T0 + i * 1000, { backpressure_level: i % 60 >= 30 ? 1 : 0, errors: i % 600 === 0 ? 1 : 0 }));
    now = T0 + 7_200_000;
    const hour = h.samples(WINDOWS['1h']);
    expect(hour.length).toBeGreaterThanOrEqual(60);
    expect(hour.length).toBeLessThanOrEqual(61);
    const s = summarize(h.samples(WINDOWS['24h']));
    expect(s.events_in).toBe(720_000);
    expect(s.seconds).toBe(7200);
    expect(s.throughput_per_sec).toBe(100);
    expect(s.errors).toBe(12);
    expect(s.backpressure_level_avg).toBeCloseTo(0.5, 2);
    expect(s.cpu_percent_avg).toBe(20);
    const series = historySeries(h.samples(WINDOWS['24h']), 900_000);
    expect(series).toHaveLength(8);
    expect(series[0]).toMatchObject({ timestamp: new Date(T0).toISOString(), throughput_per_sec: 100, events_processed: 90_000, memory_used_mb: 100 });
  });

  it('a 24 h window after 25 h holds 24 h of minutes; latency percentiles merge over the window', () => {
    let now = T0;
    const h = new MetricsHistory(() => now);
    for (let m = 1; m <= 25 * 60; m++) {
      const t = T0 + m * 60_000;
      const latency = new Map([[bucketOf(m <= 60 ? 1000 : 10), 10]]);
      h.add(sample(t, { dt: 60_000, events_in: 6000, latency }));
    }
    now = T0 + 25 * 3_600_000;
    const day = h.samples(WINDOWS['24h']);
    expect(day).toHaveLength(1440);
    const s = summarize(day);
    expect(s.latency.samples).toBe(14_400);
    expect(s.latency.p50_ms).toBeCloseTo(10, 0);
    expect(s.latency.p999_ms).toBeCloseTo(10, 0);
    // The slow first hour is out of the window.
    expect(summarize(h.samples(WINDOWS['1h'])).latency.p99_ms).toBeLessThan(11);
  });

  it('no samples: zero rates, null percentiles, empty history', () => {
    const h = new MetricsHistory(() => T0);
    const s = summarize(h.samples(WINDOWS['5m']));
    expect(s).toMatchObject({ seconds: 0, throughput_per_sec: 0, latency: { p50_ms: null, p99_ms: null, samples: 0 } });
    expect(historySeries([], 5000)).toEqual([]);
  });
});

describe('JobSampler', () => {
  const m = (over: Partial<SubtaskMetrics>): SubtaskMetrics => ({
    job_id: 'j', run_id: 1, task_id: 'task-1', subtask_index: 0, records_in: 0, records_out: 0, batches_in: 0, batches_out: 0, bytes_in: 0, bytes_out: 0,
    deserialization_errors: 0, backpressure_events: 0, late_records: 0, ...over,
  });
  const input = (runId: number, subtasks: SampleInput['subtasks'], failures = 0): SampleInput => ({ runId, subtasks, failures, cpu_percent: 50, memory_bytes: 1 << 20 });

  it('turns cumulative counters into per-interval samples and per-subtask rates', () => {
    let now = T0;
    const s = new JobSampler(() => now);
    const dense = newDense();
    for (let i = 0; i < 10; i++) record(dense, 5);
    s.sample(input(1, [{ m: m({ records_in: 1000, latency: toSparse(dense) }), source: true, sink: true }]), (now += 1000));
    for (let i = 0; i < 10; i++) record(dense, 50);
    const second = s.sample(input(1, [{ m: m({ records_in: 3000, records_out: 500, deserialization_errors: 2, backpressure_events: 4, backpressure_ms: 250, latency: toSparse(dense) }), source: true, sink: true }], 1), (now += 1000));
    expect(second).toMatchObject({ dt: 1000, events_in: 2000, events_out: 500, errors: 3, backpressure_events: 4, backpressure_level: 0.25, cpu_percent: 50 });
    expect(quantile(second.latency, 0.5)).toBeCloseTo(50, -1);
    expect(countOf(second.latency)).toBe(10);
    const rates = s.series.get('task-1/0')!.toArray();
    expect(rates).toHaveLength(2);
    expect(rates[1]!.values).toEqual([2000, 500, 0, 0, 0, 0, 2, 0.25]);
    expect(summarize(s.history.samples(WINDOWS['1m']))).toMatchObject({ events_in: 3000, errors: 3, seconds: 2 });
  });

  it('a new run starts from zero; a long gap counts as one second', () => {
    let now = T0;
    const s = new JobSampler(() => now);
    s.sample(input(1, [{ m: m({ records_in: 5000 }), source: true, sink: false }]), (now += 1000));
    const next = s.sample(input(2, [{ m: m({ run_id: 2, records_in: 300 }), source: true, sink: false }]), (now += 60_000));
    expect(next).toMatchObject({ dt: 1000, events_in: 300 });
    expect(s.series.get('task-1/0')!.toArray()).toHaveLength(1);
  });
});
