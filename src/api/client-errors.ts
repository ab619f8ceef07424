// Errors the clients raise for error replies: one class per wire code (docs/WIRE.md#errors), all
// ApiError, so callers can `catch (e) { if (e instanceof TooManyJobsError) … }` or test `e.code`.

import type { ErrorDomain } from '../errors.js';

export interface ApiErrorDetail {
  field?: string;
  message: string;
  line?: number;
  column?: number;
}

export class ApiError extends Error {
  /** Whose fault it is, as the service's error classes say. */
  readonly domain: ErrorDomain;
  /** Whether the same request may succeed later. */
  readonly retryable: boolean;

  constructor(
    readonly code: number,
    message: string,
    readonly details?: ApiErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
    this.domain = code >= 500 ? 'internal' : 'user';
    this.retryable = code === 429 || code >= 500;
  }
}

/** 400: invalid JSON, an unknown field, a bad value, an invalid spec or query; `details` has every problem. */
export class BadRequestError extends ApiError {
  constructor(message: string, details?: ApiErrorDetail[]) {
    super(400, message, details);
  }
}

/** 404: no such job, savepoint, checkpoint epoch or list cursor. */
export class ResourceNotFoundError extends ApiError {
  constructor(message: string, details?: ApiErrorDetail[]) {
    super(404, message, details);
  }
}

/** 409: not allowed in the job's current state (e.g. resuming a running job). */
export class StateConflictError extends ApiError {
  constructor(message: string, details?: ApiErrorDetail[]) {
    super(409, message, details);
  }
}

/** 429: the controller's running-job limit (max_running_jobs) is reached. */
export class TooManyJobsError extends ApiError {
  constructor(message: string, details?: ApiErrorDetail[]) {
    super(429, message, details);
  }
}

/** 500 (or any other code): an internal or NATS failure in the service. */
export class ServerError extends ApiError {}

/** The class for a wire code. */
export function apiError(code: number, message: string, details?: ApiErrorDetail[]): ApiError {
  switch (code) {
    case 400:
      return new BadRequestError(message, details);
    case 404:
      return new ResourceNotFoundError(message, details);
    case 409:
      return new StateConflictError(message, details);
    case 429:
      return new TooManyJobsError(message, details);
    default:
      return new ServerError(code, message, details);
  }
}
