// Makes sure the stream a jetstream source or sink names exists. A missing stream is created for
// the connector's subject (file storage, limits retention). An existing one is left exactly as it
// is: it may belong to the user and carry more subjects than ours, and ensureStream would rewrite
// its subject list to match ours.

import {
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { ExternalError } from '../errors.js';
import { ensureStream } from '../nats/streams.js';

/** `extra` applies only when the stream is created. Resolves with the stream as it is. */
export async function ensureConnectorStream(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
  extra: Partial<StreamConfig> = {},
): Promise<StreamInfo> {
  try {
    return await jsm.streams.info(stream);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) {
      throw new ExternalError(`cannot read stream ${stream}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  }
  // ensureStream settles a creation race with another subtask creating the same stream.
  return ensureStream(jsm, {
    ...extra,
    name: stream,
    subjects: [subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
  });
}
