// What a subtask reports as backpressure: JsPublisher counts the publishes that had to wait for
// room and the time they waited, including a wait still under way (a full stream).

import { DiscardPolicy, StorageType } from '@nats-io/jetstream';
import { afterAll, describe, expect, it } from 'vitest';
import { JsPublisher } from '../src/nats/js-publisher.js';
import { deleteStreamIfExists, ensureStream } from '../src/nats/streams.js';
import { uniqueName, useTestNats } from './helpers/nats.js';

const t = useTestNats('js-publisher-waits');
const streams: string[] = [];
afterAll(async () => {
  for (const s of streams) await deleteStreamIfExists(t.jsm, s);
});

async function stream(extra: Record<string, unknown> = {}) {
  const name = uniqueName('WAITS');
  streams.push(name);
  await ensureStream(t.jsm, { name, subjects: [`${name}.>`], storage: StorageType.Memory, ...extra });
  return `${name}.data`;
}

describe('JsPublisher waits', () => {
  it('no waits while the window has room', async () => {
    const subject = await stream();
    const pub = new JsPublisher(t.nc, { window: 64 });
    for (let i = 0; i < 10; i++) await pub.publish(subject, new Uint8Array(10));
    await pub.close();
    expect(pub.waits).toBe(0);
    expect(pub.blockedMs()).toBe(0);
  });

  it('a window of one: every publish behind an unacknowledged one waits', async () => {
    const subject = await stream();
    const pub = new JsPublisher(t.nc, { window: 1 });
    await Promise.all(Array.from({ length: 20 }, () => pub.publish(subject, new Uint8Array(10))));
    await pub.close();
    expect(pub.waits).toBe(19);
    expect(pub.blockedMs()).toBeGreaterThan(0);
  });

  it('a full stream (discard new) keeps the publisher blocked, and the wait under way counts', async () => {
    const subject = await stream({ max_msgs: 2, discard: DiscardPolicy.New });
    const pub = new JsPublisher(t.nc, { window: 2, retryDelayMs: 20 });
    // Two are stored, two more are refused and held (the window is full), two wait for room.
    for (let i = 0; i < 6; i++) void pub.publish(subject, new Uint8Array(10)).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(pub.waits).toBe(4);
    expect(pub.blockedMs()).toBeGreaterThan(200);
    await pub.close({ flush: false }).catch(() => undefined);
  });
});
