// Validation of API request bodies with the schemas of src/api/schema (job specs are checked by
// src/spec/validate.ts instead). Every problem is collected, each with its field path, into one
// ValidationError (400); what comes back has its defaults applied.

import type { z } from 'zod';
import { ValidationError, type ErrorDetail } from '../errors.js';
import { API_SCHEMAS, type ParsedJobRequest } from './schema/index.js';

export { DEFAULT_STOP_MODE, LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, MAX_DESCRIPTION_LENGTH, MAX_PARALLELISM, STOP_MODES } from './schema/index.js';

type Body = Record<string, unknown>;

/** `sources[0].config` style, as the spec validator reports paths. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('');
}

/** One detail per problem; unknown fields first (one each), then the schema's field order. */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  const unknown: ErrorDetail[] = [];
  const rest: ErrorDetail[] = [];
  for (const iss of issues) {
    if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) unknown.push({ field: fieldPath([...iss.path, key]), message: `unknown field "${key}" (${iss.message})` });
    } else {
      const field = fieldPath(iss.path);
      rest.push(field ? { field, message: iss.message } : { message: iss.message });
    }
  }
  return [...unknown, ...rest];
}

export function validationError(details: ErrorDetail[]): ValidationError {
  return new ValidationError(details.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; '), details);
}

/** Parses a body with a request schema, or throws a ValidationError listing every problem. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw validationError(issuesToDetails(r.error.issues));
  return r.data;
}

const jobs = API_SCHEMAS.jobs;

/** Bodies that carry only `job_id` (get, resume, savepoints, checkpoints, delete, output). */
export const parseJobId = (body: Body): string => parseRequest(jobs.get.request, body).job_id;
export const parseListRequest = (body: Body): ParsedJobRequest<'list'> => parseRequest(jobs.list.request, body);
export const parseStopRequest = (body: Body): ParsedJobRequest<'stop'> => parseRequest(jobs.stop.request, body);
export const parseCancelRequest = (body: Body): ParsedJobRequest<'cancel'> => parseRequest(jobs.cancel.request, body);
/** Only the fields given come back: an absent `savepoint_id` means "the latest checkpoint". */
export const parseRestartRequest = (body: Body): ParsedJobRequest<'restart'> => parseRequest(jobs.restart.request, body);
export const parseSavepointDeleteRequest = (body: Body): ParsedJobRequest<'savepoint_delete'> => parseRequest(jobs.savepoint_delete.request, body);
export const parseCheckpointDetailsRequest = (body: Body): ParsedJobRequest<'checkpoint_details'> => parseRequest(jobs.checkpoint_details.request, body);
export const parseValidateQueryRequest = (body: Body) => parseRequest(API_SCHEMAS.queries.validate.request, body);

/** The description is `null` when not given (as the savepoint reply shows it). */
export function parseSavepointRequest(body: Body): { job_id: string; description: string | null } {
  const req = parseRequest(jobs.savepoint.request, body);
  return { job_id: req.job_id, description: req.description ?? null };
}
