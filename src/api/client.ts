// A small typed client for the request-reply API, used by the CLI and the tests. Error replies
// (Nats-Service-Error-Code header) become ApiError subclasses by wire code (client-errors.ts).
// JobManager (job-manager.ts) is the public client in seed 001's shape, built on this one.

import type { NatsConnection } from '@nats-io/nats-core';
import { decodeJson, encodeJson } from '../nats/codec.js';
import { apiError, type ApiErrorDetail } from './client-errors.js';
import type { ErrorsRequest, JobErrors, JobLogs, JobMetrics, LogsRequest, MetricsWindow, OperatorMetrics } from './schema/observability.js';
import {
  HEADERS,
  subjects,
  type CancelRequest,
  type CancelResponse,
  type CheckpointDetails,
  type CheckpointList,
  type DeleteJobResponse,
  type ErrorBody,
  type JobDetails,
  type JobOp,
  type JobOutput,
  type JobStopMode,
  type ListRequest,
  type ListResponse,
  type QueryOp,
  type RestartRequest,
  type RestartResponse,
  type ResumeResponse,
  type Savepoint,
  type SavepointDeleteResponse,
  type SavepointList,
  type StopRequest,
  type StopResponse,
  type SubmitResponse,
  type Subjects,
  type ValidateQueryRequest,
  type ValidateQueryResponse,
} from '../wire.js';

export { ApiError } from './client-errors.js';

export class RivuletClient {
  private readonly s: Subjects;

  constructor(
    private readonly nc: NatsConnection,
    prefix?: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.s = subjects(prefix);
  }

  request<T>(op: JobOp, body: unknown): Promise<T> {
    return this.requestSubject(this.s.api.job(op), body);
  }

  queryRequest<T>(op: QueryOp, body: unknown): Promise<T> {
    return this.requestSubject(this.s.api.query(op), body);
  }

  private async requestSubject<T>(subject: string, body: unknown): Promise<T> {
    const msg = await this.nc.request(subject, encodeJson(body), { timeout: this.timeoutMs });
    const code = msg.headers?.get(HEADERS.serviceErrorCode);
    if (code) {
      const parsed = safeJson(msg.data) as ErrorBody | undefined;
      throw apiError(Number(code), parsed?.error?.message ?? msg.headers?.get(HEADERS.serviceError) ?? 'error', parsed?.error?.details as ApiErrorDetail[] | undefined);
    }
    return decodeJson(msg.data) as T;
  }

  submit(spec: unknown): Promise<SubmitResponse> {
    return this.request('submit', spec);
  }

  list(req: ListRequest = {}): Promise<ListResponse> {
    return this.request('list', req);
  }

  get(jobId: string): Promise<JobDetails> {
    return this.request('get', { job_id: jobId });
  }

  /** Where the job's output is published (preview subject, every sink). */
  output(jobId: string): Promise<JobOutput> {
    return this.request('output', { job_id: jobId });
  }

  /** Replies once the job is Stopped; with `savepoint`, a savepoint is taken first. */
  cancel(jobId: string, opts: { savepoint?: boolean } = {}): Promise<CancelResponse> {
    const body: CancelRequest = { job_id: jobId };
    if (opts.savepoint !== undefined) body.savepoint = opts.savepoint;
    return this.request('cancel', body);
  }

  /** Stops the job (default mode `checkpoint`: resumable from a final checkpoint). */
  stop(jobId: string, mode?: JobStopMode): Promise<StopResponse> {
    const body: StopRequest = { job_id: jobId };
    if (mode !== undefined) body.mode = mode;
    return this.request('stop', body);
  }

  /** Starts a stopped job again from its last checkpoint. */
  resume(jobId: string): Promise<ResumeResponse> {
    return this.request('resume', { job_id: jobId });
  }

  /** Restarts from the latest checkpoint, or from `savepointId`, optionally at a new parallelism. */
  restart(jobId: string, opts: { savepointId?: string; parallelism?: number } = {}): Promise<RestartResponse> {
    const body: RestartRequest = { job_id: jobId };
    if (opts.savepointId !== undefined) body.savepoint_id = opts.savepointId;
    if (opts.parallelism !== undefined) body.config_overrides = { parallelism: opts.parallelism };
    return this.request('restart', body);
  }

  createSavepoint(jobId: string, description?: string): Promise<Savepoint> {
    return this.request('savepoint', description === undefined ? { job_id: jobId } : { job_id: jobId, description });
  }

  listSavepoints(jobId: string): Promise<SavepointList> {
    return this.request('savepoints', { job_id: jobId });
  }

  deleteSavepoint(jobId: string, savepointId: string): Promise<SavepointDeleteResponse> {
    return this.request('savepoint_delete', { job_id: jobId, savepoint_id: savepointId });
  }

  listCheckpoints(jobId: string): Promise<CheckpointList> {
    return this.request('checkpoints', { job_id: jobId });
  }

  checkpointDetails(jobId: string, epoch: number): Promise<CheckpointDetails> {
    return this.request('checkpoint_details', { job_id: jobId, epoch });
  }

  /** Forgets a job at rest (Stopped, Finished or Failed) with its checkpoints and savepoints. */
  deleteJob(jobId: string): Promise<DeleteJobResponse> {
    return this.request('delete', { job_id: jobId });
  }

  /** Totals, rates and latency percentiles over `window` (default 5m), with a history series. */
  metrics(jobId: string, window?: MetricsWindow): Promise<JobMetrics> {
    return this.request('metrics', window === undefined ? { job_id: jobId } : { job_id: jobId, window });
  }

  /** Per operator and subtask metric groups; `data` is empty when the job is not running. */
  operatorMetrics(jobId: string): Promise<OperatorMetrics> {
    return this.request('operator_metrics', { job_id: jobId });
  }

  /** Log entries oldest first (`tail`: the newest `limit`), at `level` or above. */
  logs(jobId: string, opts: Omit<LogsRequest, 'job_id'> = {}): Promise<JobLogs> {
    return this.request('logs', { job_id: jobId, ...opts });
  }

  /** Error entries newest first; pass the last id seen as `starting_after` for the next page. */
  errors(jobId: string, opts: Omit<ErrorsRequest, 'job_id'> = {}): Promise<JobErrors> {
    return this.request('errors', { job_id: jobId, ...opts });
  }

  /** Every problem of a SQL query with its line and column (none: valid), and its graph when valid. */
  validateQuery(query: string, opts: { udfs?: string; parallelism?: number } = {}): Promise<ValidateQueryResponse> {
    const body: ValidateQueryRequest = { query };
    if (opts.udfs !== undefined) body.udfs = opts.udfs;
    if (opts.parallelism !== undefined) body.parallelism = opts.parallelism;
    return this.queryRequest('validate', body);
  }

  /**
   * Polls until the job's state is one of `states`; throws if it ends elsewhere or times out.
   * A job Stopped by `stop` (status `paused`) has not ended: it can be resumed, so it is waited on.
   */
  async waitForState(jobId: string, states: string[], timeoutMs = 30_000): Promise<JobDetails> {
    const deadline = Date.now() + timeoutMs;
    const terminal = ['Finished', 'Failed', 'Stopped'];
    for (;;) {
      const job = await this.get(jobId);
      if (states.includes(job.state)) return job;
      if (terminal.includes(job.state) && job.status !== 'paused') {
        throw new Error(`job ${jobId} ended ${job.state} while waiting for ${states.join('/')}${job.failure_message ? `: ${job.failure_message}` : ''}`);
      }
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.state} after ${timeoutMs} ms, waiting for ${states.join('/')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function safeJson(data: Uint8Array): unknown {
  try {
    return decodeJson(data);
  } catch {
    return undefined;
  }
}
