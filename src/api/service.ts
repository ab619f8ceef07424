// The request-reply API, registered as the NATS micro service `rivulet` so `$SRV.PING`,
// `$SRV.INFO` and `$SRV.STATS` find it. Each op of JOB_OPS is one endpoint, `jobs_<op>`, and each
// op of QUERY_OPS one, `queries_<op>`, on its wire-contract subject.

import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { Svcm, type Service } from '@nats-io/services';
import type { Logger } from 'pino';
import { prepareJobBody } from '../spec/sql-spec.js';
import {
  JOB_OPS,
  QUERY_OPS,
  SERVICE_NAME,
  subjects,
  type CancelResponse,
  type CheckpointDetails,
  type CheckpointList,
  type DeleteJobResponse,
  type JobDetails,
  type JobOp,
  type JobOutput,
  type JobStopMode,
  type ListQuery,
  type ListResponse,
  type QueryOp,
  type RestartRequest,
  type RestartResponse,
  type ResumeResponse,
  type Savepoint,
  type SavepointDeleteResponse,
  type SavepointList,
  type StopResponse,
  type SubmitResponse,
} from '../wire.js';
import { observabilityHandlers, type ObservabilityApi } from './observability.js';
import { sqlQueryApi, type QueryApi } from './queries.js';
import { parseBody, respondError, respondJson } from './respond.js';
import {
  parseCancelRequest,
  parseCheckpointDetailsRequest,
  parseJobId,
  parseListRequest,
  parseRestartRequest,
  parseSavepointDeleteRequest,
  parseSavepointRequest,
  parseStopRequest,
  parseValidateQueryRequest,
} from './requests.js';

/** What the API needs from the controller. Request bodies are validated before these run. */
export interface JobApi extends ObservabilityApi {
  submit(body: Record<string, unknown>): Promise<SubmitResponse>;
  /** Newest first; an unknown `starting_after` is a 404. */
  list(req: ListQuery): ListResponse;
  get(jobId: string): Promise<JobDetails>;
  /** Where the job's output is published. */
  output(jobId: string): Promise<JobOutput>;
  cancel(jobId: string, savepoint: boolean): Promise<CancelResponse>;
  stop(jobId: string, mode: JobStopMode): Promise<StopResponse>;
  resume(jobId: string): Promise<ResumeResponse>;
  restart(req: RestartRequest): Promise<RestartResponse>;
  savepoint(jobId: string, description: string | null): Promise<Savepoint>;
  savepoints(jobId: string): Promise<SavepointList>;
  deleteSavepoint(jobId: string, savepointId: string): Promise<SavepointDeleteResponse>;
  checkpoints(jobId: string): Promise<CheckpointList>;
  checkpointDetails(jobId: string, epoch: number): Promise<CheckpointDetails>;
  /**
   * Forgets a job at rest (Stopped, Finished, Failed): its record, checkpoints and savepoints.
   * Optional until the controller implements it; without it `jobs.delete` answers 500.
   */
  delete(jobId: string): Promise<DeleteJobResponse>;
}

export const SERVICE_VERSION = '0.1.0';

/** Takes a request body (path and query parameters merged in, for HTTP) and returns the reply. */
export type Handler = (body: Record<string, unknown>) => Promise<unknown> | unknown;

/**
 * One handler per op: validate the body, call the controller. A missing op fails to compile.
 * The NATS service and the HTTP server both serve these.
 */
export function jobHandlers(api: JobApi): Record<JobOp, Handler> {
  return {
    // A SQL body's UDF module is loaded first, so the controller's synchronous validation finds it.
    submit: async (body) => {
      await prepareJobBody(body);
      return api.submit(body);
    },
    list: (body) => api.list(parseListRequest(body)),
    get: (body) => api.get(parseJobId(body)),
    cancel: (body) => {
      const req = parseCancelRequest(body);
      return api.cancel(req.job_id, req.savepoint);
    },
    stop: (body) => {
      const req = parseStopRequest(body);
      return api.stop(req.job_id, req.mode);
    },
    resume: (body) => api.resume(parseJobId(body)),
    restart: (body) => api.restart(parseRestartRequest(body)),
    savepoint: (body) => {
      const req = parseSavepointRequest(body);
      return api.savepoint(req.job_id, req.description);
    },
    savepoints: (body) => api.savepoints(parseJobId(body)),
    savepoint_delete: (body) => {
      const req = parseSavepointDeleteRequest(body);
      return api.deleteSavepoint(req.job_id, req.savepoint_id);
    },
    checkpoints: (body) => api.checkpoints(parseJobId(body)),
    checkpoint_details: (body) => {
      const req = parseCheckpointDetailsRequest(body);
      return api.checkpointDetails(req.job_id, req.epoch);
    },
    delete: (body) => {
      const jobId = parseJobId(body);
      return api.delete(jobId);
    },
    output: (body) => api.output(parseJobId(body)),
    ...observabilityHandlers(api),
  };
}

export function queryHandlers(queries: QueryApi): Record<QueryOp, Handler> {
  return {
    validate: (body) => queries.validate(parseValidateQueryRequest(body)),
  };
}

export async function startApiService(
  nc: NatsConnection,
  prefix: string,
  api: JobApi,
  log: Logger,
  queries: QueryApi = sqlQueryApi(prefix),
): Promise<Service> {
  const s = subjects(prefix);
  const svc = await new Svcm(nc).add({
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    description: 'Rivulet job management API',
    // One controller answers: no queue group sharing with a second controller by accident.
    queue: '',
  });
  const endpoint = (name: string, subject: string, handle: Handler) =>
    svc.addEndpoint(name, {
      subject,
      handler: (err, msg) => {
        if (err) {
          log.error({ err, op: name }, 'api endpoint failed');
          return;
        }
        void serve(msg, name, handle, log);
      },
    });
  const jobs = jobHandlers(api);
  for (const op of JOB_OPS) endpoint(`jobs_${op}`, s.api.job(op), jobs[op]);
  const sql = queryHandlers(queries);
  for (const op of QUERY_OPS) endpoint(`queries_${op}`, s.api.query(op), sql[op]);
  return svc;
}

async function serve(msg: Msg, op: string, handle: Handler, log: Logger): Promise<void> {
  try {
    respondJson(msg, await handle(parseBody(msg)));
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (!code || code >= 500) log.error({ err, op }, 'api request failed');
    respondError(msg, err);
  }
}
