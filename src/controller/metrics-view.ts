// The answers of `jobs.metrics` and `jobs.operator_metrics`, from a job's record (totals since it
// was submitted), its sampler (the windowed history) and the workers running it.

import { OPERATOR_METRICS, type JobMetrics, type MetricsWindow, type OperatorMetrics } from '../api/schema/observability.js';
import { historySeries, HISTORY_STEP_MS, mb, summarize, WINDOWS } from '../metrics/report.js';
import type { JobRecord } from './job-record.js';
import type { JobSampler } from './job-sampler.js';
import type { WorkerInfo } from './workers.js';

/** `failures`: the job's failures this controller saw (src/controller/job-journal.ts). */
export function jobMetrics(job: JobRecord, sampler: JobSampler | undefined, workers: WorkerInfo[], failures: number, window: MetricsWindow, now: number): JobMetrics {
  const totals = job.metrics();
  const samples = sampler?.history.samples(WINDOWS[window]) ?? [];
  const w = summarize(samples);
  const latest = sampler?.history.latest();
  // Current values only while the job runs: a stopped job's last sample is not "current".
  const live = job.status === 'running' && latest !== undefined && now - latest.t < 5000;
  const hosts = new Map(workers.map((x) => [x.host, x.mem_total_bytes ?? 0]));
  const errorsTotal = totals.deserialization_errors + failures;
  return {
    job_id: job.job_id,
    timestamp: new Date(now).toISOString(),
    window,
    metrics: {
      events_processed_total: totals.events_processed,
      events_emitted_total: totals.events_emitted,
      events_processed: w.events_in,
      throughput_per_sec: w.throughput_per_sec,
      latency: w.latency,
      checkpoint: { count: totals.checkpoint_count, last_duration_ms: totals.last_checkpoint_duration_ms, failures: totals.checkpoint_failures },
      backpressure: {
        events_total: totals.backpressure_events,
        current_level: live ? Math.round(latest.backpressure_level * 1000) / 1000 : 0,
        average_level: w.backpressure_level_avg,
      },
      restarts: totals.restarts,
      resources: {
        cpu_usage_percent: w.cpu_percent_avg,
        memory_used_mb: live ? mb(latest.memory_bytes) : 0,
        memory_total_mb: mb([...hosts.values()].reduce((a, b) => a + b, 0)),
        workers: workers.length,
        shared: workers.some((x) => x.subtasks.some((m) => m.job_id !== job.job_id)),
      },
      errors: {
        count: errorsTotal,
        in_window: w.errors,
        rate_per_min: w.seconds > 0 ? Math.round((w.errors / w.seconds) * 60 * 100) / 100 : 0,
      },
    },
    history: historySeries(samples, HISTORY_STEP_MS[window]),
  };
}

/** Seed 003's operator metric groups; empty unless the job is running. */
export function operatorMetrics(job: JobRecord, sampler: JobSampler | undefined): OperatorMetrics {
  const run = job.run;
  if (job.status !== 'running' || !run) return { job_id: job.job_id, data: [] };
  const totalOf = (taskId: string, index: number, i: number): number => {
    const m = run.metrics.get(`${taskId}/${index}`);
    if (!m) return 0;
    const values = [m.records_in, m.records_out, m.bytes_in, m.bytes_out, m.batches_in, m.batches_out, m.deserialization_errors, m.backpressure_events];
    return values[i] ?? 0;
  };
  const data = run.plan.tasks.map((t) => ({
    operator_id: t.task_id,
    name: t.name,
    parallelism: t.parallelism,
    metric_groups: OPERATOR_METRICS.map((name, i) => ({
      name,
      subtasks: Array.from({ length: t.parallelism }, (_, index) => ({
        index,
        total: totalOf(t.task_id, index, i),
        metrics: (sampler?.series.get(`${t.task_id}/${index}`)?.toArray() ?? []).map((p) => ({ time: p.t, value: Math.round(p.values[i]! * 1000) / 1000 })),
      })),
    })),
  }));
  return { job_id: job.job_id, data };
}
