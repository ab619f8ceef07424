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
} from '@nats-io/jetstream';
import { ExternalError } from '../errors.js';
import { ensureStream } from '../nats/streams.js';

export async function ensureConnectorStream(jsm: JetStreamManager, stream: string, subject: string): Promise<void> {
  try {
    await jsm.streams.info(stream);
    return;
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) {
      throw new ExternalError(`cannot read stream ${stream}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  }
  // ensureStream settles a creation race with another subtask creating the same stream.
  await ensureStream(jsm, {
    name: stream,
    subjects: [subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
  });
}
