// Validation of API request bodies (other than job specs, which src/spec/validate.ts checks).

import { ValidationError, type ErrorDetail } from '../errors.js';
import type { JobStatus, ListRequest } from '../wire.js';

const STATUSES: JobStatus[] = ['submitted', 'running', 'paused', 'finished', 'failed', 'cancelled'];
export const LIST_DEFAULT_LIMIT = 100;
export const LIST_MAX_LIMIT = 1000;

function rejectUnknown(body: Record<string, unknown>, allowed: string[], problems: ErrorDetail[]): void {
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) problems.push({ field: k, message: `unknown field "${k}" (allowed: ${allowed.join(', ')})` });
  }
}

function fail(problems: ErrorDetail[]): never {
  throw new ValidationError(problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; '), problems);
}

export function parseJobId(body: Record<string, unknown>, extra: string[] = []): string {
  const problems: ErrorDetail[] = [];
  rejectUnknown(body, ['job_id', ...extra], problems);
  const id = body.job_id;
  if (typeof id !== 'string' || id.length === 0) problems.push({ field: 'job_id', message: 'job_id is required (a string)' });
  if (problems.length) fail(problems);
  return id as string;
}

export function parseListRequest(body: Record<string, unknown>): Required<Pick<ListRequest, 'limit' | 'offset'>> & ListRequest {
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
