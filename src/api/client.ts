// A small typed client for the request-reply API, used by the CLI and the tests. Error replies
// (Nats-Service-Error-Code header) become ApiError with the wire code.

import type { NatsConnection } from '@nats-io/nats-core';
import { decodeJson, encodeJson } from '../nats/codec.js';
import { HEADERS, subjects, type CancelResponse, type ErrorBody, type JobDetails, type JobOp, type ListRequest, type ListResponse, type SubmitResponse, type Subjects } from '../wire.js';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class RivuletClient {
  private readonly s: Subjects;

  constructor(
    private readonly nc: NatsConnection,
    prefix?: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.s = subjects(prefix);
  }

  async request<T>(op: JobOp, body: unknown): Promise<T> {
    const msg = await this.nc.request(this.s.api.job(op), encodeJson(body), { timeout: this.timeoutMs });
    const code = msg.headers?.get(HEADERS.serviceErrorCode);
    if (code) {
      const parsed = safeJson(msg.data) as ErrorBody | undefined;
      throw new ApiError(Number(code), parsed?.error?.message ?? msg.headers?.get(HEADERS.serviceError) ?? 'error', parsed?.error?.details);
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

  cancel(jobId: string): Promise<CancelResponse> {
    return this.request('cancel', { job_id: jobId });
  }

  /** Polls until the job's state is one of `states`; throws if it ends elsewhere or times out. */
  async waitForState(jobId: string, states: string[], timeoutMs = 30_000): Promise<JobDetails> {
    const deadline = Date.now() + timeoutMs;
    const terminal = ['Finished', 'Failed', 'Stopped'];
    for (;;) {
      const job = await this.get(jobId);
      if (states.includes(job.state)) return job;
      if (terminal.includes(job.state)) {
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
