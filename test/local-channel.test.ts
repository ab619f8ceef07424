// In-process channels (src/dataflow/shuffle/local.ts): order, the bound that makes a sender wait,
// and close() releasing both ends.
import { describe, expect, it } from 'vitest';
import { dropLocalChannel, LocalChannel, localChannel, localChannelKey, sameWorker } from '../src/dataflow/shuffle/local.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('LocalChannel', () => {
  it('delivers in order, to a receiver that waits or one that comes later', async () => {
    const ch = new LocalChannel();
    const first = ch.take();
    await ch.put({ kind: 'watermark', watermark: 1 });
    expect(await first).toEqual({ kind: 'watermark', watermark: 1 });
    await ch.put({ kind: 'barrier', epoch: 2, ref: 'ckpt-2' });
    await ch.put({ kind: 'eos' });
    expect([await ch.take(), await ch.take()]).toEqual([{ kind: 'barrier', epoch: 2, ref: 'ckpt-2' }, { kind: 'eos' }]);
  });

  it('makes the sender wait once 16 messages are queued, until one is taken', async () => {
    const ch = new LocalChannel();
    for (let i = 0; i < 16; i++) await ch.put({ kind: 'watermark', watermark: i });
    let sent = false;
    const blocked = ch.put({ kind: 'watermark', watermark: 16 }).then(() => (sent = true));
    await tick();
    expect(sent).toBe(false);
    expect(await ch.take()).toEqual({ kind: 'watermark', watermark: 0 });
    await blocked;
    expect(sent).toBe(true);
  });

  it('close() wakes a waiting receiver with null and a waiting sender, and drops later messages', async () => {
    const ch = new LocalChannel();
    const waiting = ch.take();
    ch.close();
    expect(await waiting).toBeNull();
    const full = new LocalChannel();
    for (let i = 0; i < 16; i++) await full.put({ kind: 'eos' });
    const sender = full.put({ kind: 'eos' });
    full.close();
    await sender;
    await full.put({ kind: 'eos' });
    expect(await full.take()).toBeNull();
  });

  it('both ends find one channel by key until a receiver drops it', () => {
    const key = localChannelKey('job-1', 1, 'e0', 0, 1);
    const a = localChannel(key);
    expect(localChannel(key)).toBe(a);
    dropLocalChannel(key);
    expect(localChannel(key)).not.toBe(a);
    dropLocalChannel(key);
  });

  it('is used only between subtasks placed on the same worker', () => {
    const placement = [
      { task_id: 't1', subtask_index: 0, worker_id: 'w0' },
      { task_id: 't1', subtask_index: 1, worker_id: 'w1' },
      { task_id: 't2', subtask_index: 0, worker_id: 'w0' },
      { task_id: 't2', subtask_index: 1, worker_id: 'w1' },
    ];
    expect(sameWorker(placement, 't1', 0, 't2', 0)).toBe(true);
    expect(sameWorker(placement, 't1', 0, 't2', 1)).toBe(false);
    expect(sameWorker(placement, 't1', 1, 't3', 1)).toBe(false);
  });
});
