// One schema per request and response of the API, shared by the NATS service (requests.ts parses
// with them), the HTTP server, the typed clients and the docs (z.toJSONSchema → OpenAPI 3.1).
// A JOB_OPS or QUERY_OPS entry without its schemas here fails to compile.

import type { z } from 'zod';
import type { JobOp, QueryOp } from '../../wire.js';
import { checkpointOps } from './checkpoints.js';
import type { OpSchema } from './common.js';
import { jobOps } from './jobs.js';
import { lifecycleOps } from './lifecycle.js';
import { observabilityOps } from './observability.js';
import { queryOps } from './queries.js';

export const API_SCHEMAS = {
  jobs: { ...jobOps, ...lifecycleOps, ...checkpointOps, ...observabilityOps },
  queries: queryOps,
} as const satisfies { jobs: Record<JobOp, OpSchema>; queries: Record<QueryOp, OpSchema> };

type JobSchemas = (typeof API_SCHEMAS)['jobs'];
/** What a caller sends for a job op (defaults not applied yet). */
export type JobRequest<Op extends JobOp> = z.input<JobSchemas[Op]['request']>;
/** A job op's request after parsing: defaults applied. */
export type ParsedJobRequest<Op extends JobOp> = z.output<JobSchemas[Op]['request']>;
export type JobResponse<Op extends JobOp> = z.output<JobSchemas[Op]['response']>;

export * from './checkpoints.js';
export * from './jobs.js';
export * from './lifecycle.js';
export * from './observability.js';
export * from './queries.js';
export * from './common.js';
