// Turns handler results and errors into NATS replies: JSON bodies, and for errors the micro
// service headers `Nats-Service-Error-Code` / `Nats-Service-Error` plus `{"error":{...}}`.

import { headers as natsHeaders, type Msg } from '@nats-io/nats-core';
import { asRivuletError, ValidationError } from '../errors.js';
import { decodeJson, encodeJson } from '../nats/codec.js';
import { HEADERS, type ErrorBody } from '../wire.js';
import { ApiError } from './client-errors.js';

export function errorBody(err: unknown): { code: number; body: ErrorBody } {
  // A client-side ApiError (e.g. from output-stream.ts) keeps its code too.
  const e = err instanceof ApiError ? err : asRivuletError(err);
  const body: ErrorBody = { error: { code: e.code, message: e.message } };
  if (e.details && !(e.details.length === 1 && e.details[0]!.message === e.message && !e.details[0]!.field)) {
    body.error.details = e.details;
  }
  return { code: e.code, body };
}

export function respondError(msg: Msg, err: unknown): void {
  const { code, body } = errorBody(err);
  const h = natsHeaders();
  h.set(HEADERS.serviceErrorCode, String(code));
  // Header values are single-line; the body keeps the full message and details.
  h.set(HEADERS.serviceError, body.error.message.replace(/[\r\n]+/g, ' ').slice(0, 1024));
  msg.respond(encodeJson(body), { headers: h });
}

export function respondJson(msg: Msg, value: unknown): void {
  msg.respond(encodeJson(value));
}

/** Parses a request body as a JSON object; anything else is a 400. */
export function parseBody(msg: Msg): Record<string, unknown> {
  return parseJsonObject(msg.data);
}

/** The same for raw bytes (an HTTP body); empty is `{}`. */
export function parseJsonObject(data: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = decodeJson(data);
  } catch (err) {
    throw new ValidationError(`request body is not valid JSON: ${(err as Error).message}`, undefined, err);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError('request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
