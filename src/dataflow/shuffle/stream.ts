// The JetStream stream that carries one run's shuffle data. A fresh stream per run means nothing
// of a failed run is ever read again; work-queue retention deletes a batch once it is consumed,
// and `discard: new` with a byte limit turns a slow consumer into backpressure, not loss.

import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { deleteStreamIfExists, ensureStream } from '../../nats/streams.js';
import type { Subjects } from '../../wire.js';

/** Bytes a run's data stream may hold before publishers are pushed back. */
export const DATA_STREAM_MAX_BYTES = 512 * 1024 * 1024;

export async function createDataStream(jsm: JetStreamManager, s: Subjects, jobId: string, runId: number): Promise<string> {
  const name = s.data.stream(jobId, runId);
  await ensureStream(jsm, {
    name,
    subjects: [s.data.all(jobId, runId)],
    retention: RetentionPolicy.Workqueue,
    // Memory: a run's data is never replayed after a failure (the next run gets a new stream).
    storage: StorageType.Memory,
    discard: DiscardPolicy.New,
    max_bytes: DATA_STREAM_MAX_BYTES,
    duplicate_window: 120_000_000_000, // 2 min in ns: covers publisher retries
    num_replicas: 1,
  });
  return name;
}

export async function deleteDataStream(jsm: JetStreamManager, s: Subjects, jobId: string, runId: number): Promise<void> {
  await deleteStreamIfExists(jsm, s.data.stream(jobId, runId));
}
