// The raw JetStream copy baseline: what JetStream itself carries on this machine with Rivulet's
// own fast paths and nothing else. Messages of one Arrow batch each go into stream A; an ordered
// consumer reads A and republishes every message into stream B with pipelined acks.

import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { encodeBatch, JsonBatchBuilder } from '../../src/dataflow/arrow/index.js';
import { JsPublisher } from '../../src/nats/js-publisher.js';
import { deleteStreamIfExists, ensureStream } from '../../src/nats/streams.js';
import type { Schema } from '../../src/types.js';

const SCHEMA: Schema = { fields: [{ name: 'counter', type: 'int64' }, { name: 'subtask_index', type: 'int32' }, { name: 'timestamp', type: 'timestamp' }] };

export interface BaselineResult {
  messages: number;
  rows_per_message: number;
  bytes_per_message: number;
  events_per_sec: number;
  mib_per_sec: number;
}

/**
 * The raw copy: an ordered consumer reads `messages` messages of `stream` and republishes each to
 * `subject` through the pipelined publisher, with a Nats-Msg-Id as an exactly-once copy needs.
 * Returns the seconds it took, every ack received.
 */
export async function rawCopy(nc: NatsConnection, stream: string, subject: string, messages: number, o: { window: number; pull: { max_bytes: number } | { max_messages: number } }): Promise<number> {
  const out = new JsPublisher(nc, { window: o.window });
  const started = performance.now();
  const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  const iter = await consumer.consume(o.pull);
  let n = 0;
  for await (const m of iter) {
    const h = headers();
    h.set('Nats-Msg-Id', `${stream}.${m.seq}`);
    await out.publish(subject, m.data, h);
    if (++n === messages) break;
  }
  await out.flush();
  const secs = (performance.now() - started) / 1000;
  await iter.close();
  await out.close();
  return secs;
}

export async function jetstreamCopyBaseline(nc: NatsConnection, messages: number, rowsPerMessage: number): Promise<BaselineResult> {
  const jsm = await jetstreamManager(nc);
  const a = `BENCH_COPY_A_${process.pid}`;
  const b = `BENCH_COPY_B_${process.pid}`;
  for (const [name, subj] of [[a, `bench.copy.a.${process.pid}`], [b, `bench.copy.b.${process.pid}`]] as const) {
    await deleteStreamIfExists(jsm, name);
    await ensureStream(jsm, { name, subjects: [subj], max_bytes: 2 * 1024 ** 3 });
  }
  const builder = new JsonBatchBuilder(SCHEMA, rowsPerMessage);
  for (let i = 0; i < rowsPerMessage; i++) builder.appendObject({ counter: i, subtask_index: 0, timestamp: 1_700_000_000_000 + i });
  const payload = encodeBatch(builder.finish());

  const fill = new JsPublisher(nc, { window: 256 });
  for (let i = 0; i < messages; i++) await fill.publish(`bench.copy.a.${process.pid}`, payload);
  await fill.flush();
  await fill.close();

  const secs = await rawCopy(nc, a, `bench.copy.b.${process.pid}`, messages, { window: 256, pull: { max_bytes: 32 * 1024 * 1024 } });
  await deleteStreamIfExists(jsm, a);
  await deleteStreamIfExists(jsm, b);
  return {
    messages,
    rows_per_message: rowsPerMessage,
    bytes_per_message: payload.byteLength,
    events_per_sec: Math.round((messages * rowsPerMessage) / secs),
    mib_per_sec: Math.round(((messages * payload.byteLength) / secs / 1024 ** 2) * 10) / 10,
  };
}
