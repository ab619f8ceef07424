// A stand-in for the controller's JobApi, for tests of the layers in front of it (the NATS
// service, HTTP routes, JobManager): every method records its call; a few magic job ids answer
// with each error the API can give.

import type { JobApi } from '../../src/api/service.js';
import { ConflictError, LimitExceededError, NotFoundError } from '../../src/errors.js';

export const JOB_API_METHODS = [
  'submit', 'list', 'get', 'output', 'cancel', 'stop', 'resume', 'restart', 'savepoint', 'savepoints', 'deleteSavepoint',
  'checkpoints', 'checkpointDetails', 'delete', 'metrics', 'operatorMetrics', 'logs', 'errors',
] as const satisfies readonly (keyof JobApi)[];

type Method = (typeof JOB_API_METHODS)[number];

/** Throws what the controller would for `job-missing` (404), `job-finished` (409), `job-full` (429) and `job-bug` (500). */
export function failForJob(id: unknown, limit: number): void {
  if (id === 'job-missing') throw new NotFoundError(`no job with id "${id}"`);
  if (id === 'job-finished') throw new ConflictError(`job ${id} is Finished`);
  if (id === 'job-full') throw new LimitExceededError(`${limit} jobs are running, the limit (max_running_jobs) is ${limit}`);
  if (id === 'job-bug') throw new Error('unexpected failure');
}

/** Every method from `stub(name)`, except those given in `overrides`. */
export function standInApi(stub: (method: Method) => (...args: never[]) => unknown, overrides: Partial<Record<Method, (...args: never[]) => unknown>> = {}): JobApi {
  return Object.fromEntries(JOB_API_METHODS.map((m) => [m, overrides[m] ?? stub(m)])) as unknown as JobApi;
}
