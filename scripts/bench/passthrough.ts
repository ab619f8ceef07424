// JetStream → Rivulet → JetStream against a raw copy of the same messages. Both read the same
// stream of small JSON records (one record per message, as Rivulet's jetstream source and sink
// carry them) and write each record into a second stream:
// - raw copy: an ordered consumer republishing each message with pipelined acks (JsPublisher)
//   and a Nats-Msg-Id, the least any exactly-once copy must do;
// - passthrough: the SQL job `INSERT INTO out SELECT * FROM in` with the exactly-once jetstream
//   sink (output published when its checkpoint completes), timed from submit until the output
//   stream holds every record; the count is checked, so a job that loses or repeats records
//   cannot pass.

import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { RivuletClient } from '../../src/api/client.js';
import { JsPublisher } from '../../src/nats/js-publisher.js';
import { rawCopy } from './baseline.js';
import { deleteStreamIfExists, ensureStream } from '../../src/nats/streams.js';

export interface PassthroughResult {
  messages: number;
  bytes_per_message: number;
  copy_events_per_sec: number;
  passthrough_events_per_sec: number;
  ratio: number;
  /** Peak worker RSS in the first and the second half of the passthrough run (flat = no growth). */
  rss_first_half_mb: number;
  rss_second_half_mb: number;
}

const enc = new TextEncoder();

function record(i: number): Uint8Array {
  return enc.encode(JSON.stringify({ id: i, user: `user-${i % 1000}`, amount: (i % 997) / 4, ts: new Date(1_700_000_000_000 + i).toISOString() }));
}

async function fresh(jsm: JetStreamManager, name: string, subject: string): Promise<void> {
  await deleteStreamIfExists(jsm, name);
  await ensureStream(jsm, { name, subjects: [subject], max_bytes: 2 * 1024 ** 3 });
}

async function waitForCount(jsm: JetStreamManager, stream: string, n: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { state } = await jsm.streams.info(stream);
    if (state.messages >= n) {
      if (state.messages !== n) throw new Error(`${stream} holds ${state.messages} messages, expected ${n}`);
      return;
    }
    if (Date.now() > until) throw new Error(`${stream} holds ${state.messages} of ${n} messages after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function passthroughBenchmark(nc: NatsConnection, client: RivuletClient, messages: number, workerRssMb: () => number): Promise<PassthroughResult> {
  const jsm = await jetstreamManager(nc);
  const id = `${process.pid}`;
  const [inS, copyS, outS] = [`BENCH_PT_IN_${id}`, `BENCH_PT_COPY_${id}`, `BENCH_PT_OUT_${id}`];
  const [inSubj, copySubj, outSubj] = [`bench-pt.in.${id}`, `bench-pt.copy.${id}`, `bench-pt.out.${id}`];
  await fresh(jsm, inS, inSubj);
  await fresh(jsm, copyS, copySubj);
  await fresh(jsm, outS, outSubj);
  try {
    const fill = new JsPublisher(nc, { window: 1024 });
    let bytes = 0;
    for (let i = 0; i < messages; i++) {
      const m = record(i);
      bytes += m.byteLength;
      await fill.publish(inSubj, m);
    }
    await fill.flush();
    await fill.close();

    const copySecs = await rawCopy(nc, inS, copySubj, messages, { window: 1024, pull: { max_messages: 8192 } });
    await waitForCount(jsm, copyS, messages, 10_000);

    // The Rivulet job, same input.
    const query = `CREATE TABLE src (id BIGINT, user TEXT, amount DOUBLE, ts TIMESTAMP)
  WITH (connector = 'jetstream', stream = '${inS}', subject = '${inSubj}', format = 'json');
CREATE TABLE dst WITH (connector = 'jetstream', stream = '${outS}', subject = '${outSubj}', format = 'json');
INSERT INTO dst SELECT * FROM src;`;
    const t0 = performance.now();
    const rss: { at: number; mb: number }[] = [];
    const sampler = setInterval(() => rss.push({ at: performance.now(), mb: workerRssMb() }), 250);
    const { job_id } = await client.submit({ name: `passthrough-${id}`, query, config: { parallelism: 1, checkpoint_interval_ms: 1000 } });
    await waitForCount(jsm, outS, messages, 600_000).finally(() => clearInterval(sampler));
    const ptSecs = (performance.now() - t0) / 1000;
    const mid = t0 + (ptSecs * 1000) / 2;
    const peak = (xs: { mb: number }[]) => Math.round(Math.max(0, ...xs.map((x) => x.mb)));
    await client.stop(job_id, 'immediate').catch(() => undefined);
    const copy = Math.round(messages / copySecs);
    const pt = Math.round(messages / ptSecs);
    return {
      messages,
      bytes_per_message: Math.round(bytes / messages),
      copy_events_per_sec: copy,
      passthrough_events_per_sec: pt,
      ratio: Math.round((pt / copy) * 100) / 100,
      rss_first_half_mb: peak(rss.filter((r) => r.at < mid)),
      rss_second_half_mb: peak(rss.filter((r) => r.at >= mid)),
    };
  } finally {
    for (const s of [inS, copyS, outS]) await deleteStreamIfExists(jsm, s);
  }
}
