// A job as the controller holds it: its spec, its XState actor, and the views the API returns.

import type { Actor } from 'xstate';
import { jobAction } from '../../machines/action.js';
import { jobStateOf, type JobMachine } from '../../machines/job.js';
import { jobStatus } from '../../machines/status.js';
import type { StoredJob } from '../checkpoint/job-store.js';
import type { JobSpec } from '../types.js';
import type { CheckpointSummary, JobDetails, JobMetricsSummary, JobState, JobStatus, JobSummary, RestoreRef, TaskInfo } from '../wire.js';
import type { CheckpointCoordinator } from './checkpoints.js';
import type { JobRun } from './run.js';

/** Context fields kept in the job store: what a restarted controller needs to re-adopt a job. */
const PERSISTED_CONTEXT = ['run_id', 'parallelism', 'restarts', 'attempt', 'failures', 'failure', 'stop_reason', 'stop_mode', 'created_at', 'started_at', 'finished_at'] as const;

/** Memoized: Date#toISOString was a quarter of `jobs.list`'s time, and the instants repeat. */
const isoCache = new Map<number, string>();
function iso(ms: number | null): string | null {
  if (ms === null) return null;
  let s = isoCache.get(ms);
  if (s === undefined) {
    if (isoCache.size >= 10_000) isoCache.clear();
    isoCache.set(ms, (s = new Date(ms).toISOString()));
  }
  return s;
}

export class JobRecord {
  /** Events processed at the previous throughput sample. */
  private sample = { at: 0, events: 0, rate: 0 };
  /** Counters of finished runs, so totals survive restarts. */
  private carried = { processed: 0, emitted: 0, errors: 0, backpressure: 0, late: 0 };
  private lastRun: JobRun | null = null;
  /** Where the next run starts from: the latest completed checkpoint, or a chosen savepoint. */
  restorePoint: RestoreRef | null = null;

  constructor(
    readonly job_id: string,
    readonly spec: JobSpec,
    readonly submitted_at: number,
    readonly actor: Actor<JobMachine>,
    readonly checkpoints: CheckpointCoordinator,
  ) {}

  /** The record the job store keeps. */
  stored(): StoredJob {
    const ctx = this.actor.getSnapshot().context;
    const context: Record<string, unknown> = {};
    for (const k of PERSISTED_CONTEXT) context[k] = ctx[k];
    context.restore_point = this.restorePoint;
    return { job_id: this.job_id, spec: this.spec, submitted_at: this.submitted_at, state: this.state, context, updated_at: Date.now() };
  }

  get run(): JobRun | null {
    return this.lastRun;
  }

  get state(): JobState {
    return jobStateOf(this.actor.getSnapshot().value);
  }

  get status(): JobStatus {
    return jobStatus(this.state, this.actor.getSnapshot().context);
  }

  /** Remembers the run whose counters the metrics show; folds in the previous one's totals. */
  trackRun(run: JobRun): void {
    if (run === this.lastRun) return;
    if (this.lastRun) {
      const m = this.runMetrics(this.lastRun);
      this.carried.processed += m.events_processed;
      this.carried.emitted += m.events_emitted;
      this.carried.errors += m.deserialization_errors;
      this.carried.backpressure += m.backpressure_events;
      this.carried.late += m.late_records;
    }
    this.lastRun = run;
  }

  /** Called about once a second to keep the throughput figure current. */
  sampleThroughput(now: number): void {
    const events = this.metrics().events_processed;
    if (this.sample.at > 0 && now > this.sample.at) {
      this.sample.rate = ((events - this.sample.events) * 1000) / (now - this.sample.at);
    }
    this.sample.at = now;
    this.sample.events = events;
  }

  private runMetrics(run: JobRun): Pick<JobMetricsSummary, 'events_processed' | 'events_emitted' | 'deserialization_errors' | 'backpressure_events' | 'late_records'> {
    let processed = 0;
    let emitted = 0;
    let errors = 0;
    let backpressure = 0;
    let late = 0;
    for (const m of run.metrics.values()) {
      if (run.isSourceTask(m.task_id)) processed += m.records_in;
      if (run.isSinkTask(m.task_id)) emitted += m.records_out;
      errors += m.deserialization_errors;
      backpressure += m.backpressure_events;
      late += m.late_records ?? 0;
    }
    return { events_processed: processed, events_emitted: emitted, deserialization_errors: errors, backpressure_events: backpressure, late_records: late };
  }

  metrics(): JobMetricsSummary {
    const cur = this.lastRun ? this.runMetrics(this.lastRun) : null;
    const ctx = this.actor.getSnapshot().context;
    const cp = this.checkpoints.stats;
    return {
      events_processed: this.carried.processed + (cur?.events_processed ?? 0),
      events_emitted: this.carried.emitted + (cur?.events_emitted ?? 0),
      deserialization_errors: this.carried.errors + (cur?.deserialization_errors ?? 0),
      throughput_per_sec: Math.round(this.sample.rate * 10) / 10,
      backpressure_events: this.carried.backpressure + (cur?.backpressure_events ?? 0),
      restarts: ctx.restarts,
      checkpoint_count: cp.count,
      last_checkpoint_duration_ms: cp.last_duration_ms,
      checkpoint_failures: cp.failures,
      failures: ctx.failures.length,
      late_records: this.carried.late + (cur?.late_records ?? 0),
    };
  }

  summary(now: number): JobSummary {
    const ctx = this.actor.getSnapshot().context;
    return {
      job_id: this.job_id,
      name: this.spec.name,
      status: this.status,
      state: this.state,
      submitted_at: iso(this.submitted_at)!,
      started_at: iso(ctx.started_at),
      finished_at: iso(ctx.finished_at),
      uptime_seconds: ctx.started_at === null ? 0 : Math.max(0, Math.floor(((ctx.finished_at ?? now) - ctx.started_at) / 1000)),
      parallelism: this.spec.config.parallelism,
    };
  }

  /** `checkpoints`: the newest ones, newest first (the store is asynchronous, the record not). */
  details(now: number, checkpoints: CheckpointSummary[] = []): JobDetails {
    const s = this.summary(now);
    const ctx = this.actor.getSnapshot().context;
    return {
      job_id: s.job_id,
      name: s.name,
      status: s.status,
      state: s.state,
      config: this.spec.config,
      preview: this.spec.preview === true,
      query: this.spec.query ?? null,
      submitted_at: s.submitted_at,
      started_at: s.started_at,
      finished_at: s.finished_at,
      uptime_seconds: s.uptime_seconds,
      failure_message: ctx.failure?.message ?? null,
      action: jobAction(s.state, ctx.stop_reason === null),
      metrics: this.metrics(),
      tasks: this.tasks(),
      checkpoints,
    };
  }

  private tasks(): TaskInfo[] {
    const run = this.lastRun;
    if (!run) return [];
    const jobStatusNow = this.status;
    return run.plan.tasks.map((t) => {
      const st = run.taskStatus(t.task_id);
      let status: JobStatus = jobStatusNow;
      if (st.includes('failed')) status = 'failed';
      else if (st.length > 0 && st.every((x) => x === 'finished')) status = 'finished';
      else if (st.some((x) => x === 'running')) status = jobStatusNow === 'running' ? 'running' : jobStatusNow;
      return { task_id: t.task_id, name: t.name, status, parallelism: t.parallelism };
    });
  }
}
