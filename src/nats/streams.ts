// Idempotent stream management: several processes (controller, workers, tests) may ask for the
// same stream at once, and a restarted process must find what it created before.

import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
  type StreamUpdateConfig,
} from '@nats-io/jetstream';
import { ExternalError } from '../errors.js';

export type StreamSpec = Partial<StreamConfig> & { name: string };

/** JetStream error code for "stream name already in use with a different configuration". */
const STREAM_NAME_IN_USE = 10058;

/**
 * Creates the stream if missing. If it exists and differs in a field `config` sets, updates it
 * (fields `config` leaves out are kept); if it matches, leaves it alone. Losing a creation race
 * to another process counts as "exists".
 */
export async function ensureStream(jsm: JetStreamManager, config: StreamSpec): Promise<StreamInfo> {
  const existing = await streamInfoOrNull(jsm, config.name);
  if (existing !== null) return reconcile(jsm, existing, config);
  try {
    return await jsm.streams.add({ ...config });
  } catch (err) {
    // 2.9 returns 10058 when a concurrent creator won with a different config; with an identical
    // config the server simply succeeds.
    if (err instanceof JetStreamApiError && err.code === STREAM_NAME_IN_USE) {
      const info = await streamInfoOrNull(jsm, config.name);
      if (info !== null) return reconcile(jsm, info, config);
    }
    throw wrap(err, `cannot create stream ${config.name}`);
  }
}

/** Deletes the stream; resolves false when there was none. */
export async function deleteStreamIfExists(jsm: JetStreamManager, name: string): Promise<boolean> {
  try {
    return await jsm.streams.delete(name);
  } catch (err) {
    if (isStreamNotFound(err)) return false;
    throw wrap(err, `cannot delete stream ${name}`);
  }
}

async function streamInfoOrNull(jsm: JetStreamManager, name: string): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (isStreamNotFound(err)) return null;
    throw wrap(err, `cannot read stream ${name}`);
  }
}

async function reconcile(jsm: JetStreamManager, info: StreamInfo, wanted: StreamSpec): Promise<StreamInfo> {
  const { name, ...fields } = wanted;
  const current = info.config as unknown as Record<string, unknown>;
  const changed = Object.entries(fields).filter(([k, v]) => v !== undefined && !sameValue(current[k], v));
  if (changed.length === 0) return info;
  try {
    // streams.update merges into the current config; immutable fields (storage, retention) make
    // the server refuse, which surfaces as a non-retryable error below.
    return await jsm.streams.update(name, fields as Partial<StreamUpdateConfig>);
  } catch (err) {
    const fieldsChanged = changed.map(([k]) => k).join(', ');
    // Retrying cannot reconcile a config conflict: someone has to delete the stream or the code.
    throw wrap(err, `stream ${name} exists with a different configuration (${fieldsChanged}) and cannot be updated`, false);
  }
}

function isStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * JetStream API refusals are not worth retrying except 503 (unavailable); timeouts and connection
 * errors are. (Refusals come with 400 or 500, e.g. "can not change storage type" is a 500.)
 */
function wrap(err: unknown, what: string, retryableOverride?: boolean): ExternalError {
  const reason = err instanceof Error ? err.message : String(err);
  const retryable = retryableOverride ?? (!(err instanceof JetStreamApiError) || err.status === 503);
  return new ExternalError(`${what}: ${reason}`, { cause: err, retryable });
}
