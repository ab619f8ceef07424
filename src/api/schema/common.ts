// Building blocks of the API schemas: ids, the status and state vocabularies, the error body and
// helpers that give every field a message a user can act on. One schema per request and response
// (index.ts) serves NATS, HTTP, the typed client and the docs; src/wire.ts re-exports the types.

import { z } from 'zod';

/** Same bound as a spec's `config.parallelism` (src/spec/config.ts). */
export const MAX_PARALLELISM = 256;

/** What every op entry of API_SCHEMAS carries: the shapes, a one-line summary, its error codes. */
export interface OpSchema {
  request: z.ZodType;
  response: z.ZodType;
  summary: string;
  /** Wire codes besides 200 and 500 this op answers (the per-endpoint table of docs/WIRE.md). */
  errors: readonly number[];
}

/**
 * An object that rejects unknown fields. zod reports them as one issue; the message carries the
 * allowed names so requests.ts can report each unknown field on its own.
 */
export function strictObject<S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `allowed: ${allowed}` : iss.code === 'invalid_type' ? 'must be an object' : undefined),
  });
}

/** A required non-empty string. */
export function requiredString(field: string, what = 'a non-empty string') {
  const message = `${field} is required (${what})`;
  return z.string({ error: message }).min(1, message);
}

/** An integer in [min, max]. */
export function intIn(field: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  const message = max === Number.MAX_SAFE_INTEGER ? `${field} must be an integer of at least ${min}` : `${field} must be an integer from ${min} to ${max}`;
  return z.int({ error: message }).min(min, message).max(max, message);
}

/** A closed set of strings; the message names the value given and the ones allowed. */
export function oneOf<const T extends readonly [string, ...string[]]>(what: string, values: T) {
  return z.enum(values, { error: (iss) => `unknown ${what} ${JSON.stringify(iss.input)} (expected one of ${values.join(', ')})` });
}

export const JOB_STATUSES = ['submitted', 'running', 'paused', 'finished', 'failed', 'cancelled'] as const;
/** Seed 001's coarse status vocabulary (`paused` is a resumable Stopped job). */
export const JobStatusSchema = oneOf('status', JOB_STATUSES).describe('Coarse job status (seed 001)');

export const JOB_STATES = [
  'Created',
  'Compiling',
  'Scheduling',
  'Running',
  'Rescaling',
  'CheckpointStopping',
  'Recovering',
  'Restarting',
  'Stopping',
  'Stopped',
  'Finishing',
  'Finished',
  'Failing',
  'Failed',
] as const;
/** Arroyo's 14 job states, the job machine's top-level states. */
export const JobStateSchema = z.enum(JOB_STATES).describe("The job machine's state (Arroyo's 14)");

export const STOP_MODES = ['checkpoint', 'graceful', 'immediate', 'force'] as const;
export const JobStopModeSchema = oneOf('stop mode', STOP_MODES);

export const JobId = requiredString('job_id').describe('A job id, e.g. `job-…`');
export const Timestamp = z.string().describe('RFC 3339 time');

/** Bodies that carry only `job_id` (get, resume, savepoints, checkpoints, delete, output). */
export const JobIdRequest = strictObject({ job_id: JobId });

export const ErrorDetailSchema = z.object({
  field: z.string().optional().describe('JSON path of the offending field'),
  message: z.string(),
  line: z.int().optional(),
  column: z.int().optional(),
});

/** Every error reply's body; the code is also in the `Nats-Service-Error-Code` header. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.int().describe('HTTP-style wire code: 400, 404, 409, 429 or 500 (over HTTP also 401, 413, 503)'),
    message: z.string(),
    details: z.array(ErrorDetailSchema).optional(),
  }),
});

export type JobStatus = z.infer<typeof JobStatusSchema>;
export type JobState = z.infer<typeof JobStateSchema>;
export type JobStopMode = z.infer<typeof JobStopModeSchema>;
export type JobIdRequest = z.infer<typeof JobIdRequest>;
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
