// The controller's observability: samples every live job once a second (src/controller/
// job-sampler.ts), keeps the job log stream (job-journal.ts, job-logs.ts) and answers the
// metrics, operator_metrics, logs and errors ops.

import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { ObservabilityApi } from '../api/observability.js';
import { ExternalError, NotFoundError, RivuletError } from '../errors.js';
import { openLogStream } from '../nats/log-stream.js';
import { subjects, type JobState } from '../wire.js';
import { JobJournal } from './job-journal.js';
import { readErrors, readLogs } from './job-logs.js';
import type { JobRecord } from './job-record.js';
import { JobSampler } from './job-sampler.js';
import { jobMetrics, operatorMetrics } from './metrics-view.js';
import type { WorkerInfo, WorkerRegistry } from './workers.js';

const AT_REST = new Set<JobState>(['Stopped', 'Finished', 'Failed']);

export interface ObservabilityOptions {
  jsm: JetStreamManager;
  prefix: string;
  log: Logger;
  workers: WorkerRegistry;
  now?: () => number;
}

export class Observability {
  readonly journal: JobJournal;
  private readonly samplers = new Map<string, JobSampler>();
  /** Jobs sampled at the last tick: a job that came to rest gets one more (its final counters). */
  private readonly live = new Set<string>();
  private readonly now: () => number;

  private constructor(private readonly o: ObservabilityOptions) {
    this.now = o.now ?? Date.now;
    this.journal = new JobJournal(o.jsm.jetstream(), o.prefix, o.log, this.now);
  }

  /** Creates the log stream when missing. */
  static async open(o: ObservabilityOptions): Promise<Observability> {
    await openLogStream(o.jsm, o.prefix);
    return new Observability(o);
  }

  /** Once a second: one sample per live job. */
  tick(jobs: Iterable<JobRecord>): void {
    const now = this.now();
    for (const job of jobs) {
      const totals = job.metrics();
      this.journal.badRecordsSeen(job.job_id, totals.deserialization_errors);
      const run = job.run;
      const atRest = AT_REST.has(job.state);
      if (!run || (atRest && !this.live.has(job.job_id))) continue;
      if (atRest) this.live.delete(job.job_id);
      else this.live.add(job.job_id);
      let sampler = this.samplers.get(job.job_id);
      if (!sampler) this.samplers.set(job.job_id, (sampler = new JobSampler(this.now)));
      const workers = this.workersOf(job);
      sampler.sample(
        {
          runId: run.runId,
          subtasks: [...run.metrics.values()].map((m) => ({ m, source: run.isSourceTask(m.task_id), sink: run.isSinkTask(m.task_id) })),
          failures: this.journal.failuresOf(job.job_id),
          cpu_percent: workers.reduce((n, w) => n + (w.cpu_percent ?? 0), 0),
          memory_bytes: workers.reduce((n, w) => n + w.rss_bytes, 0),
        },
        now,
      );
    }
  }

  /** A deleted job: its history goes, and its entries leave the log stream. */
  async forget(jobId: string): Promise<void> {
    this.samplers.delete(jobId);
    this.live.delete(jobId);
    this.journal.forget(jobId);
    const s = subjects(this.o.prefix).logs;
    await this.o.jsm.streams.purge(s.stream, { filter: s.job(jobId) }).catch((err) => this.o.log.warn({ err, job_id: jobId }, 'cannot purge job logs'));
  }

  /** Worker processes of the job's current run (whole processes: other jobs may share them). */
  private workersOf(job: JobRecord): WorkerInfo[] {
    const ids = job.run?.workers() ?? new Set<string>();
    return [...ids].flatMap((id) => this.o.workers.get(id) ?? []);
  }

  api(jobs: Map<string, JobRecord>): ObservabilityApi {
    const getJob = (jobId: string): JobRecord => {
      const job = jobs.get(jobId);
      if (!job) throw new NotFoundError(`no job with id "${jobId}"`);
      return job;
    };
    const fromStream = async <T>(read: () => Promise<T>): Promise<T> => {
      try {
        return await read();
      } catch (err) {
        throw err instanceof RivuletError ? err : new ExternalError(`cannot read the job log stream: ${(err as Error).message}`, { cause: err });
      }
    };
    return {
      metrics: async (jobId, window) => {
        const job = getJob(jobId);
        return jobMetrics(job, this.samplers.get(jobId), this.workersOf(job), this.journal.failuresOf(jobId), window, this.now());
      },
      operatorMetrics: async (jobId) => operatorMetrics(getJob(jobId), this.samplers.get(jobId)),
      logs: async (q) => {
        getJob(q.job_id);
        return fromStream(() => readLogs(this.o.jsm, this.o.prefix, q));
      },
      errors: async (q) => {
        getJob(q.job_id);
        return fromStream(() => readErrors(this.o.jsm, this.o.prefix, q));
      },
    };
  }
}
