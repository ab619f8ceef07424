// The HTTP routes: each one mirrors one op of the NATS API (seed 001's and seed 000's paths). This
// table drives both the Hono app (app.ts) and the OpenAPI document (openapi.ts), and a route's
// path, query and body are turned into that op's request body, validated by the op's own schema.

import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import type { JobOp, QueryOp } from '../../wire.js';
import { requestFields } from './json-schema.js';

/** `jobs.<op>` or `queries.<op>`: the NATS op (and its API_SCHEMAS entry) a route mirrors. */
export type OpRef = `jobs.${JobOp}` | `queries.${QueryOp}`;

export interface HttpRoute {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI form; each `{param}` is a field of the op's request body. */
  path: string;
  op: OpRef;
  /** Success status (201 for what creates something, as in seed 001). */
  status: 200 | 201;
  /** Where the remaining request fields come from: the query string or a JSON body. */
  input: 'query' | 'body';
  /** A Server-Sent Events stream of the job's output instead of the op's JSON reply. */
  sse?: true;
}

const JOB = '/api/v1/jobs/{job_id}';

export const HTTP_ROUTES: readonly HttpRoute[] = [
  // Seed 001.
  { method: 'post', path: '/api/v1/jobs', op: 'jobs.submit', status: 201, input: 'body' },
  { method: 'get', path: '/api/v1/jobs', op: 'jobs.list', status: 200, input: 'query' },
  { method: 'get', path: JOB, op: 'jobs.get', status: 200, input: 'query' },
  { method: 'delete', path: JOB, op: 'jobs.cancel', status: 200, input: 'query' },
  { method: 'post', path: `${JOB}/savepoints`, op: 'jobs.savepoint', status: 201, input: 'body' },
  { method: 'get', path: `${JOB}/metrics`, op: 'jobs.metrics', status: 200, input: 'query' },
  { method: 'get', path: `${JOB}/logs`, op: 'jobs.logs', status: 200, input: 'query' },
  { method: 'post', path: `${JOB}/restart`, op: 'jobs.restart', status: 200, input: 'body' },
  // Seed 000 (Arroyo's job routes, without the pipeline level).
  { method: 'get', path: `${JOB}/errors`, op: 'jobs.errors', status: 200, input: 'query' },
  { method: 'get', path: `${JOB}/checkpoints`, op: 'jobs.checkpoints', status: 200, input: 'query' },
  { method: 'get', path: `${JOB}/checkpoints/{epoch}/operator_checkpoint_groups`, op: 'jobs.checkpoint_details', status: 200, input: 'query' },
  { method: 'get', path: `${JOB}/operator_metric_groups`, op: 'jobs.operator_metrics', status: 200, input: 'query' },
  { method: 'get', path: `${JOB}/output`, op: 'jobs.output', status: 200, input: 'query', sse: true },
  { method: 'post', path: '/api/v1/queries/validate', op: 'queries.validate', status: 200, input: 'body' },
  // The rest of the NATS API, so HTTP can do everything NATS can.
  { method: 'post', path: `${JOB}/stop`, op: 'jobs.stop', status: 200, input: 'body' },
  { method: 'post', path: `${JOB}/resume`, op: 'jobs.resume', status: 200, input: 'body' },
  { method: 'get', path: `${JOB}/savepoints`, op: 'jobs.savepoints', status: 200, input: 'query' },
  { method: 'delete', path: `${JOB}/savepoints/{savepoint_id}`, op: 'jobs.savepoint_delete', status: 200, input: 'query' },
  { method: 'get', path: `${JOB}/sinks`, op: 'jobs.output', status: 200, input: 'query' },
  { method: 'post', path: `${JOB}/forget`, op: 'jobs.delete', status: 200, input: 'body' },
];

/** Seed 000's liveness route; answers without a token (503 while the controller starts). */
export const PING_PATH = '/api/v1/ping';
export const PingResponseSchema = z.object({ status: z.enum(['ok', 'starting']), service: z.string(), version: z.string() });
export type PingResponse = z.infer<typeof PingResponseSchema>;
export const OPENAPI_PATH = '/api/v1/openapi.json';

/** `{job_id}` → `:job_id` (Hono's form). */
export const honoPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

export const pathParams = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/**
 * Query strings and paths carry text; a field the schema types as integer or boolean is converted
 * when it reads as one. Anything else is left as text, so the schema reports it as for NATS.
 */
function coerce(op: OpRef, name: string, value: string): unknown {
  const type = requestFields(op)[name];
  if (type === 'integer' && /^-?\d{1,16}$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/**
 * The op's request body: the path parameters, plus the query parameters (a `query` route) or the
 * JSON body (a `body` route). A body or query may not give a field the path already gives.
 */
export function requestBody(route: HttpRoute, params: Record<string, string>, query: Record<string, string>, json: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = route.input === 'body' ? { ...json } : {};
  if (route.input === 'query') for (const [k, v] of Object.entries(query)) body[k] = coerce(route.op, k, v);
  for (const name of pathParams(route.path)) {
    if (name in body) throw new ValidationError(`${name} is given by the path`, [{ field: name, message: `${name} is given by the path; leave it out of the ${route.input}` }]);
    body[name] = coerce(route.op, name, params[name]!);
  }
  return body;
}
