// JsPublisher against the shared test server: throughput path, flush, backpressure, failures.

import { AckPolicy, DiscardPolicy, RetentionPolicy, StorageType, jetstream, type StreamConfig } from '@nats-io/jetstream';
import { headers, type MsgHdrs } from '@nats-io/nats-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ExternalError } from '../src/errors.js';
import { JsPublisher } from '../src/nats/js-publisher.js';
import { deleteStreamIfExists, ensureStream } from '../src/nats/streams.js';
import { uniqueName, useTestNats } from './helpers/nats.js';

const t = useTestNats('js-publisher');
const streams: string[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) await deleteStreamIfExists(t.jsm, s);
});

async function makeStream(prefix: string, extra: Partial<StreamConfig> = {}) {
  const name = uniqueName(prefix);
  streams.push(name);
  await ensureStream(t.jsm, { name, subjects: [`${name}.>`], storage: StorageType.Memory, ...extra });
  return { name, subject: `${name}.data` };
}

function msgId(id: string): MsgHdrs {
  const h = headers();
  h.set('Nats-Msg-Id', id);
  return h;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('JsPublisher', () => {
  it('stores 20k small messages exactly once', async () => {
    const { name, subject } = await makeStream('PUB20K');
    const pub = new JsPublisher(t.nc);
    const payload = new Uint8Array(100).fill(7);
    const n = 20_000;
    for (let i = 0; i < n; i++) await pub.publish(subject, payload, msgId(`m-${i}`));
    await pub.flush();
    await pub.close();
    expect(pub.stats).toEqual({ published: n, acked: n, retries: 0, failed: 0 });
    const info = await t.jsm.streams.info(name);
    expect(info.state.messages).toBe(n);
    expect(info.state.last_seq).toBe(n);
  });

  it('flush() resolves only once everything published is stored', async () => {
    const { name, subject } = await makeStream('PUBFLUSH');
    const pub = new JsPublisher(t.nc, { window: 1000 });
    await pub.flush(); // nothing outstanding
    const n = 500;
    for (let i = 0; i < n; i++) await pub.publish(subject, new Uint8Array(64), msgId(`f-${i}`));
    // No I/O has happened since the last publish, so its ack cannot be in yet.
    expect(pub.stats.acked).toBeLessThan(n);
    await pub.flush();
    expect(pub.stats.acked).toBe(n);
    expect((await t.jsm.streams.info(name)).state.messages).toBe(n);
    await pub.close();
  });

  it('turns a full discard-new stream and a slow consumer into backpressure without loss or duplicates', async () => {
    const { name, subject } = await makeStream('PUBFULL', {
      retention: RetentionPolicy.Workqueue,
      discard: DiscardPolicy.New,
      max_bytes: 32 * 1024,
    });
    const window = 64;
    const pub = new JsPublisher(t.nc, { window, retryDelayMs: 10 });
    const n = 1_000;
    const payload = new Uint8Array(1024).fill(1);
    let issued = 0;
    const producing = (async () => {
      for (let i = 0; i < n; i++) {
        await pub.publish(subject, payload, msgId(`b-${i}`));
        issued++;
      }
      await pub.flush();
    })();
    // If the producer fails, stop consuming so the test fails now instead of timing out.
    let producerFailed = false;
    let stopConsuming = () => {};
    producing.catch(() => {
      producerFailed = true;
      stopConsuming();
    });

    // Nobody consumes yet: the stream fills (~30 messages) and publish() must stall.
    await sleep(400);
    const stalledAt = issued;
    await sleep(300);
    expect(issued).toBe(stalledAt);
    expect(issued).toBeLessThan(n);
    expect(pub.stats.published - pub.stats.acked).toBe(window);
    expect(pub.stats.failed).toBe(0);
    const full = await t.jsm.streams.info(name);
    expect(full.state.bytes).toBeLessThanOrEqual(32 * 1024);

    // A slow consumer drains it; every removal makes room for the producer.
    await t.jsm.consumers.add(name, { durable_name: 'slow', ack_policy: AckPolicy.Explicit });
    const consumer = await jetstream(t.nc).consumers.get(name, 'slow');
    const ids: string[] = [];
    const messages = await consumer.consume({ max_messages: 8 });
    stopConsuming = () => messages.stop();
    if (producerFailed) messages.stop();
    for await (const m of messages) {
      ids.push(m.headers?.get('Nats-Msg-Id') ?? '');
      await m.ackAck();
      if (ids.length % 8 === 0) await sleep(2);
      if (ids.length === n) break;
    }
    await producing;
    await pub.close();

    expect(ids.length).toBe(n);
    expect(new Set(ids).size).toBe(n);
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: n }, (_, i) => `b-${i}`)));
    expect(pub.stats.acked).toBe(n);
    expect(pub.stats.failed).toBe(0);
    expect(pub.stats.retries).toBeGreaterThan(0);
    const after = await t.jsm.streams.info(name);
    expect(after.state.messages).toBe(0);
    expect(after.state.last_seq).toBe(n); // each message stored once: no duplicate sequences
  });

  it('resends a message whose ack times out, under the same Nats-Msg-Id', async () => {
    // A fake "stream" that ignores the first copy and acks the second.
    const subject = `${uniqueName('fake')}.data`;
    const seen: string[] = [];
    const fake = t.nc.subscribe(subject, {
      callback: (_err, m) => {
        seen.push(m.headers?.get('Nats-Msg-Id') ?? '');
        if (seen.length >= 2) m.respond(new TextEncoder().encode('{"stream":"FAKE", "seq":1}'));
      },
    });
    const pub = new JsPublisher(t.nc, { ackTimeoutMs: 200, retryDelayMs: 10 });
    await pub.publish(subject, new Uint8Array(10), msgId('once'));
    await pub.flush();
    await pub.close();
    fake.unsubscribe();
    expect(seen).toEqual(['once', 'once']);
    expect(pub.stats).toMatchObject({ published: 1, acked: 1, retries: 1, failed: 0 });
  });

  it('gives up after a few retries when no stream takes the subject', async () => {
    const pub = new JsPublisher(t.nc, { retryDelayMs: 5 });
    await pub.publish(`${uniqueName('nostream')}.x`, new Uint8Array(10), msgId('lost'));
    const err = await pub.flush().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as Error).message).toMatch(/no responders/);
    expect(pub.stats.retries).toBe(10);
    expect(pub.stats.failed).toBe(1);
    await expect(pub.publish('x.y', new Uint8Array(1))).rejects.toBe(err);
    await expect(pub.close()).rejects.toBe(err);
  });

  it('fails at once on a refusal that retrying cannot fix', async () => {
    const { subject } = await makeStream('PUBSIZE', { max_msg_size: 100 });
    const pub = new JsPublisher(t.nc);
    await pub.publish(subject, new Uint8Array(500), msgId('too-big'));
    const err = await pub.flush().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as ExternalError).retryable).toBe(false);
    expect(pub.stats.retries).toBe(0);
    await pub.close({ flush: false });
  });
});
