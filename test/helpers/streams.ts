// Reading and writing JetStream streams in tests.

import { DeliverPolicy, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';

/** Every message now in `stream`, decoded as JSON, in stream order. */
export async function readStream<T>(nc: NatsConnection, stream: string): Promise<T[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream).catch(() => null);
  const total = info?.state.messages ?? 0;
  if (total === 0) return [];
  const consumer = await jsm.jetstream().consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  const out: T[] = [];
  const iter = await consumer.consume();
  for await (const m of iter) {
    out.push(m.json<T>());
    if (m.info.pending === 0 || out.length >= total) break;
  }
  await iter.close();
  return out;
}

/** Publishes JSON records into a stream (creating it), awaiting every ack. */
export async function fillStream(nc: NatsConnection, stream: string, subject: string, records: unknown[]): Promise<void> {
  const jsm: JetStreamManager = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [subject] }).catch(() => undefined);
  const js = jsm.jetstream();
  for (let i = 0; i < records.length; i += 500) {
    await Promise.all(records.slice(i, i + 500).map((r) => js.publish(subject, JSON.stringify(r))));
  }
}
