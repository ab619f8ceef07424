// Validation of API request bodies (other than job specs, which src/spec/validate.ts checks).
// Every parser collects all problems, each with its field path, and throws one ValidationError
// (400); what comes back has its defaults applied.

import { ValidationError, type ErrorDetail } from '../errors.js';
import type {
  CancelRequest,
  CheckpointDetailsRequest,
  JobStatus,
  JobStopMode,
  ListRequest,
  RestartRequest,
  SavepointDeleteRequest,
  StopRequest,
  ValidateQueryRequest,
} from '../wire.js';

const STATUSES: JobStatus[] = ['submitted', 'running', 'paused', 'finished', 'failed', 'cancelled'];
export const STOP_MODES: readonly JobStopMode[] = ['checkpoint', 'graceful', 'immediate', 'force'];
export const DEFAULT_STOP_MODE: JobStopMode = 'checkpoint';
export const LIST_DEFAULT_LIMIT = 100;
export const LIST_MAX_LIMIT = 1000;
/** Same bound as a spec's `config.parallelism` (src/spec/config.ts). */
export const MAX_PARALLELISM = 256;
export const MAX_DESCRIPTION_LENGTH = 1024;

type Body = Record<string, unknown>;

function rejectUnknown(body: Body, allowed: string[], problems: ErrorDetail[], path = ''): void {
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) problems.push({ field: `${path}${k}`, message: `unknown field "${k}" (allowed: ${allowed.join(', ')})` });
  }
}

function fail(problems: ErrorDetail[]): never {
  throw new ValidationError(problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; '), problems);
}

/** A required non-empty string field; when it is not one, a problem is recorded (and the caller fails). */
function requiredString(body: Body, field: string, problems: ErrorDetail[]): string {
  const v = body[field];
  if (typeof v !== 'string' || v.length === 0) problems.push({ field, message: `${field} is required (a non-empty string)` });
  return v as string;
}

function isObject(v: unknown): v is Body {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Bodies that carry only `job_id` (get, resume, savepoints, checkpoints). */
export function parseJobId(body: Body, extra: string[] = []): string {
  const problems: ErrorDetail[] = [];
  rejectUnknown(body, ['job_id', ...extra], problems);
  const id = requiredString(body, 'job_id', problems);
  if (problems.length) fail(problems);
  return id;
}

export function parseListRequest(body: Body): Required<Pick<ListRequest, 'limit' | 'offset'>> & ListRequest {
  const problems: ErrorDetail[] = [];
  rejectUnknown(body, ['status', 'limit', 'offset'], problems);
  const { status, limit = LIST_DEFAULT_LIMIT, offset = 0 } = body;
  if (status !== undefined && !STATUSES.includes(status as JobStatus)) {
    problems.push({ field: 'status', message: `unknown status ${JSON.stringify(status)} (expected one of ${STATUSES.join(', ')})` });
  }
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > LIST_MAX_LIMIT) {
    problems.push({ field: 'limit', message: `limit must be an integer from 1 to ${LIST_MAX_LIMIT}` });
  }
  if (!Number.isInteger(offset) || (offset as number) < 0) {
    problems.push({ field: 'offset', message: 'offset must be a non-negative integer' });
  }
  if (problems.length) fail(problems);
  return { ...(status !== undefined ? { status: status as JobStatus } : {}), limit: limit as number, offset: offset as number };
}

export function parseStopRequest(body: Body): Required<StopRequest> {
  const problems: ErrorDetail[] = [];
  rejectUnknown(body, ['job_id', 'mode'], problems);
  const job_id = requiredString(body, 'job_id', problems);
  const { mode = DEFAULT_STOP_MODE } = body; // null is a bad value, not an absent one
  if (!STOP_MODES.includes(mode as JobStopMode)) {
    problems.push({ field: 'mode', message: `unknown stop mode ${JSON.stringify(mode)} (expected one of ${STOP_MODES.join(', ')})` });
  }
  if (problems.length) fail(problems);
  return { job_id, mode: mode as JobStopMode };
}

export function parseCancelRequest(body: Body): Required<CancelRequest> {
  const problems: ErrorDetail[] = [];
  rejectUnknown(body, ['job_id', 'savepoint'], problems);
  const job_id = requiredString(body, 'job_id', problems);
  const { savepoint = false } = body;
  if (typeof savepoint !== 'boolean') problems.push({ field: 'savepoint', message: 'savepoint must be true or false' });
  if (problems.length) fail(problems);
  return { job_id, savepoint: savepoint as boolean };
}

/** Only the fields given come back: an absent `savepoint_id` means "the latest checkpoint". */
export function parseRestartRequest(body: Body): RestartRequest {
  const problems: ErrorDetail[] = [];
  rejectUnknown(body, ['job_id', 'savepoint_id', 'config_overrides'], problems);
  const job_id = requiredString(body, 'job_id', problems);
  const req: RestartRequest = { job_id };
  if (body.savepoint_id !== undefined) req.savepoint_id = requiredString(body, 'savepoint_id', problems);
  const overrides = body.config_overrides;
  if (overrides !== undefined) {
    if (!isObject(overrides)) {
      problems.push({ field: 'config_overrides', message: 'config_overrides must be an object' });
    } else {
      rejectUnknown(overrides, ['parallelism'], problems, 'config_overrides.');
      const p = overrides.parallelism;
      if (p !== undefined && (!Number.isInteger(p) || (p as number) < 1 || (p as number) > MAX_PARALLELISM)) {
        problems.push({ field: 'config_overrides.parallelism', message: `parallelism must be an integer from 1 to ${MAX_PARALLELISM}` });
      }
      req.config_overrides = p === undefined ? {} : { parallelism: p as number };
    }
  }
  if (problems.length) fail(problems);
  return req;
}

export function parseSavepointRequest(body: Body): { job_id: string; description: string | null } {
  const problems: ErrorDetail[] = [];
  rejectUnknown(body, ['job_id', 'description'], problems);
  const job_id = requiredString(body, 'job_id', problems);
  const d = body.description;
  if (d !== undefined && (typeof d !== 'string' || d.length > MAX_DESCRIPTION_LENGTH)) {
    problems.push({ field: 'description', message: `description must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters` });
  }
  if (problems.length) fail(problems);
  return { job_id, description: (d as string | undefined) ?? null };
}

export function parseSavepointDeleteRequest(body: Body): SavepointDeleteRequest {
  const problems: ErrorDetail[] = [];
  rejectUnknown(body, ['job_id', 'savepoint_id'], problems);
  const job_id = requiredString(body, 'job_id', problems);
  const savepoint_id = requiredString(body, 'savepoint_id', problems);
  if (problems.length) fail(problems);
  return { job_id, savepoint_id };
}

export function parseCheckpointDetailsRequest(body: Body): CheckpointDetailsRequest {
  const problems: ErrorDetail[] = [];
  rejectUnknown(body, ['job_id', 'epoch'], problems);
  const job_id = requiredString(body, 'job_id', problems);
  const epoch = body.epoch;
  if (!Number.isSafeInteger(epoch) || (epoch as number) < 1) problems.push({ field: 'epoch', message: 'epoch is required (a positive integer)' });
  if (problems.length) fail(problems);
  return { job_id, epoch: epoch as number };
}

/** `queries.validate`: the SQL is required (a string; empty text is a query problem, not a 400). */
export function parseValidateQueryRequest(body: Body): Required<Pick<ValidateQueryRequest, 'query' | 'parallelism'>> & ValidateQueryRequest {
  const problems: ErrorDetail[] = [];
  rejectUnknown(body, ['query', 'udfs', 'parallelism'], problems);
  const { query, udfs, parallelism = 1 } = body;
  if (typeof query !== 'string') problems.push({ field: 'query', message: 'query is required (the SQL text as a string)' });
  if (udfs !== undefined && typeof udfs !== 'string') problems.push({ field: 'udfs', message: 'udfs must be the TypeScript source of a UDF module (a string)' });
  if (!Number.isInteger(parallelism) || (parallelism as number) < 1 || (parallelism as number) > MAX_PARALLELISM) {
    problems.push({ field: 'parallelism', message: `parallelism must be an integer from 1 to ${MAX_PARALLELISM}` });
  }
  if (problems.length) fail(problems);
  return { query: query as string, parallelism: parallelism as number, ...(udfs !== undefined ? { udfs: udfs as string } : {}) };
}
