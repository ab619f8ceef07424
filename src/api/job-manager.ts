// The typed client in the shape of seed 001's Rust `JobManager`, over NATS request-reply:
//
//   import { JobManager, TooManyJobsError } from 'rivulet';
//   const jm = await JobManager.connect('nats://127.0.0.1:4222');
//   const { job_id } = await jm.submitJob(spec);
//   for await (const { record } of jm.output(job_id)) console.log(record);
//
// Methods return the wire replies (the seed's ids are fields of them); error replies throw the
// ApiError subclass of their code (client-errors.ts). Request and reply types are the schemas'.

import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats } from '../nats/connect.js';
import type { JobOp, JobStatus, JobStopMode, ListRequest, SubmitRequest } from '../wire.js';
import { RivuletClient } from './client.js';
import { outputRecords, type OutputOptions, type OutputRecord } from './output-stream.js';
import type { JobRequest, JobResponse, LogLevel, MetricsWindow } from './schema/index.js';

export interface JobManagerOptions {
  /** Deployment prefix; default `rivulet`. */
  prefix?: string;
  /** Per request; default 30 s (stop and cancel reply once the job is at rest). */
  timeoutMs?: number;
}

export interface ListJobsOptions {
  status?: JobStatus;
  limit?: number;
  offset?: number;
  /** Cursor: the job_id of the last job of the previous page. */
  startingAfter?: string;
}

export interface LogOptions {
  /** Minimum level. */
  level?: LogLevel;
  /** Default 1000. */
  limit?: number;
  /** The newest `limit` entries instead of the oldest. */
  tail?: boolean;
}

export interface RestartOptions {
  savepointId?: string;
  configOverrides?: { parallelism?: number };
}

export class JobManager {
  private readonly client: RivuletClient;
  private owned = false;

  constructor(
    readonly nc: NatsConnection,
    opts: JobManagerOptions = {},
  ) {
    this.client = new RivuletClient(nc, opts.prefix, opts.timeoutMs);
  }

  /** Connects to NATS; `close()` closes that connection. */
  static async connect(url: string, opts: JobManagerOptions = {}): Promise<JobManager> {
    const jm = new JobManager(await connectNats(url, 'rivulet-job-manager'), opts);
    jm.owned = true;
    return jm;
  }

  async close(): Promise<void> {
    if (this.owned) await this.nc.close();
  }

  /** Any job op, typed by its schema. */
  call<Op extends JobOp>(op: Op, body: JobRequest<Op>): Promise<JobResponse<Op>> {
    return this.client.request(op, body);
  }

  submitJob(spec: SubmitRequest): Promise<JobResponse<'submit'>> {
    return this.call('submit', spec);
  }

  listJobs(o: ListJobsOptions = {}): Promise<JobResponse<'list'>> {
    const req: ListRequest = {};
    if (o.status !== undefined) req.status = o.status;
    if (o.limit !== undefined) req.limit = o.limit;
    if (o.offset !== undefined) req.offset = o.offset;
    if (o.startingAfter !== undefined) req.starting_after = o.startingAfter;
    return this.call('list', req);
  }

  /** Every job (newest first), page by page with the cursor. */
  async *jobs(o: { status?: JobStatus; pageSize?: number } = {}): AsyncGenerator<JobResponse<'list'>['jobs'][number]> {
    let after: string | undefined;
    for (;;) {
      const page = await this.listJobs({ ...(o.status ? { status: o.status } : {}), limit: o.pageSize ?? 100, ...(after ? { startingAfter: after } : {}) });
      yield* page.jobs;
      if (!page.has_more || page.jobs.length === 0) return;
      after = page.jobs.at(-1)!.job_id;
    }
  }

  getJobDetails(jobId: string): Promise<JobResponse<'get'>> {
    return this.call('get', { job_id: jobId });
  }

  async getJobStatus(jobId: string): Promise<JobStatus> {
    return (await this.getJobDetails(jobId)).status;
  }

  cancelJob(jobId: string): Promise<JobResponse<'cancel'>> {
    return this.call('cancel', { job_id: jobId });
  }

  /** Takes a savepoint, then cancels; the reply carries its `savepoint_id`. */
  async cancelJobWithSavepoint(jobId: string): Promise<JobResponse<'cancel'> & { savepoint_id: string }> {
    return (await this.call('cancel', { job_id: jobId, savepoint: true })) as JobResponse<'cancel'> & { savepoint_id: string };
  }

  createSavepoint(jobId: string, description?: string): Promise<JobResponse<'savepoint'>> {
    return this.call('savepoint', description === undefined ? { job_id: jobId } : { job_id: jobId, description });
  }

  listSavepoints(jobId: string): Promise<JobResponse<'savepoints'>> {
    return this.call('savepoints', { job_id: jobId });
  }

  deleteSavepoint(jobId: string, savepointId: string): Promise<JobResponse<'savepoint_delete'>> {
    return this.call('savepoint_delete', { job_id: jobId, savepoint_id: savepointId });
  }

  /** From the latest checkpoint, or a savepoint, maybe at a new parallelism. */
  restartJob(jobId: string, o: RestartOptions = {}): Promise<JobResponse<'restart'>> {
    return this.call('restart', {
      job_id: jobId,
      ...(o.savepointId !== undefined ? { savepoint_id: o.savepointId } : {}),
      ...(o.configOverrides !== undefined ? { config_overrides: o.configOverrides } : {}),
    });
  }

  /** Default mode `checkpoint`: a final checkpoint, then paused (resumable). */
  stopJob(jobId: string, mode?: JobStopMode): Promise<JobResponse<'stop'>> {
    return this.call('stop', mode === undefined ? { job_id: jobId } : { job_id: jobId, mode });
  }

  resumeJob(jobId: string): Promise<JobResponse<'resume'>> {
    return this.call('resume', { job_id: jobId });
  }

  deleteJob(jobId: string): Promise<JobResponse<'delete'>> {
    return this.call('delete', { job_id: jobId });
  }

  listCheckpoints(jobId: string): Promise<JobResponse<'checkpoints'>> {
    return this.call('checkpoints', { job_id: jobId });
  }

  getCheckpointDetails(jobId: string, epoch: number): Promise<JobResponse<'checkpoint_details'>> {
    return this.call('checkpoint_details', { job_id: jobId, epoch });
  }

  /** Metrics over a window (default 5m) with a history series. */
  getJobMetrics(jobId: string, window?: MetricsWindow): Promise<JobResponse<'metrics'>> {
    return this.call('metrics', window === undefined ? { job_id: jobId } : { job_id: jobId, window });
  }

  /** Per operator and subtask metric groups. */
  getOperatorMetrics(jobId: string): Promise<JobResponse<'operator_metrics'>> {
    return this.call('operator_metrics', { job_id: jobId });
  }

  getJobLogs(jobId: string, o: LogOptions = {}): Promise<JobResponse<'logs'>> {
    return this.call('logs', { job_id: jobId, ...o });
  }

  /** Error entries, newest first; `startingAfter` is the `id` of the last entry of the previous page. */
  getJobErrors(jobId: string, o: { limit?: number; startingAfter?: string } = {}): Promise<JobResponse<'errors'>> {
    return this.call('errors', {
      job_id: jobId,
      ...(o.limit !== undefined ? { limit: o.limit } : {}),
      ...(o.startingAfter !== undefined ? { starting_after: o.startingAfter } : {}),
    });
  }

  /** Where the job's output is published. */
  getJobOutput(jobId: string): Promise<JobResponse<'output'>> {
    return this.call('output', { job_id: jobId });
  }

  /** The job's records as they are published (from now on), until it comes to rest. */
  async *output(jobId: string, o: OutputOptions = {}): AsyncGenerator<OutputRecord> {
    const out = await this.getJobOutput(jobId);
    yield* outputRecords(this.nc, out, async () => (await this.getJobDetails(jobId)).state, o);
  }

  /** Polls until the job's state is one of `states` (throws if it ends elsewhere or times out). */
  waitForState(jobId: string, states: string[], timeoutMs?: number): Promise<JobResponse<'get'>> {
    return this.client.waitForState(jobId, states, timeoutMs);
  }

  validateQuery(query: string, opts: { udfs?: string; parallelism?: number } = {}) {
    return this.client.validateQuery(query, opts);
  }
}
