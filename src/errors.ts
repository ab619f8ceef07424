// Error classes. Every error Rivulet raises says whose fault it is (`domain`) and whether trying
// again can help (`retryable`); the API maps them to wire codes (400/404/409/429/500).

export type ErrorDomain = 'user' | 'external' | 'internal';

export interface ErrorDetail {
  /** JSON path of the offending field, e.g. `sources[0].config.schema.fields[1].type`. */
  field?: string;
  message: string;
  line?: number;
  column?: number;
}

export abstract class RivuletError extends Error {
  abstract readonly domain: ErrorDomain;
  abstract readonly retryable: boolean;
  /** Wire code used by the API (HTTP-style). */
  abstract readonly code: number;
  readonly details?: ErrorDetail[];

  constructor(message: string, options?: { cause?: unknown; details?: ErrorDetail[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.details) this.details = options.details;
  }

  toJSON(): { code: number; message: string; details?: ErrorDetail[] } {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

/** A spec, expression or request the user got wrong. Never retried. */
export class ValidationError extends RivuletError {
  readonly domain = 'user' as const;
  readonly retryable = false;
  readonly code = 400;
  constructor(message: string, details?: ErrorDetail[], cause?: unknown) {
    super(message, { details: details ?? [{ message }], cause });
  }
  /** First offending field, when known. */
  get field(): string | undefined {
    return this.details?.[0]?.field;
  }
}

export class NotFoundError extends RivuletError {
  readonly domain = 'user' as const;
  readonly retryable = false;
  readonly code = 404;
}

/** The request is well formed but not allowed in the job's current state. */
export class ConflictError extends RivuletError {
  readonly domain = 'user' as const;
  readonly retryable = false;
  readonly code = 409;
}

/** A limit of the deployment is reached (e.g. `max_running_jobs`): retrying helps once jobs end. */
export class LimitExceededError extends RivuletError {
  readonly domain = 'user' as const;
  readonly retryable = true;
  readonly code = 429;
}

/** NATS, a worker or another outside party failed; usually worth a retry. */
export class ExternalError extends RivuletError {
  readonly domain = 'external' as const;
  readonly code = 500;
  readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options);
    this.retryable = options?.retryable ?? true;
  }
}

/** A bug or broken invariant in Rivulet itself. */
export class InternalError extends RivuletError {
  readonly domain = 'internal' as const;
  readonly retryable = false;
  readonly code = 500;
}

/** A user-caused runtime failure inside a job (e.g. a record a strict operator cannot take). */
export class JobRuntimeError extends RivuletError {
  readonly domain: ErrorDomain;
  readonly retryable: boolean;
  readonly code = 500;
  constructor(message: string, options: { domain: ErrorDomain; retryable: boolean; cause?: unknown }) {
    super(message, options);
    this.domain = options.domain;
    this.retryable = options.retryable;
  }
}

/** Normalises anything thrown into a RivuletError (unknown errors are internal). */
export function asRivuletError(err: unknown): RivuletError {
  if (err instanceof RivuletError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new InternalError(message, { cause: err });
}

/**
 * Classifies a failure inside a running job. Rivulet's own errors keep their domain; anything
 * else is an unexpected internal fault, which (as in Flink) is worth a restart.
 */
export function asJobFailure(err: unknown): RivuletError {
  if (err instanceof RivuletError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new JobRuntimeError(message, { domain: 'internal', retryable: true, cause: err });
}
