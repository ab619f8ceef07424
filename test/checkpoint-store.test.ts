// CheckpointStore against the real nats-server: snapshots in the Object Store, meta in KV,
// savepoints, garbage collection (objects really gone, no tombstones left), concurrent opens.

import { randomUUID } from 'node:crypto';
import { Objm } from '@nats-io/obj';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointStore, type CheckpointMeta, type SubtaskSnapshot } from '../src/checkpoint/store.js';
import { checkpointRef, toCheckpointDetails, toCheckpointSummary, toRestoreRef, toSavepoint } from '../src/checkpoint/meta.js';
import { InternalError, ValidationError } from '../src/errors.js';
import { subjects } from '../src/wire.js';
import { connectTest, uniqueName, useTestNats } from './helpers/nats.js';

const t = useTestNats('checkpoint-store');
const prefix = uniqueName('ckstore');
let store: CheckpointStore;
beforeAll(async () => {
  store = await CheckpointStore.open(t.nc, prefix);
});

const newJob = () => `job-${randomUUID()}`;
const snap = (n: number): SubtaskSnapshot => ({ sources: { src: { seq: n } }, operators: { agg: { count: n } }, sinks: {} });

function meta(jobId: string, epoch: number, over: Partial<CheckpointMeta> = {}): CheckpointMeta {
  return {
    job_id: jobId, epoch, run_id: 1, kind: 'checkpoint', savepoint_id: null, description: null,
    ref: checkpointRef(epoch), status: 'completed', start_time: 1_700_000_000_000 + epoch * 1000,
    finish_time: 1_700_000_000_000 + epoch * 1000 + 40, state_bytes: 10,
    parallelism: { t0: 2 }, nodes: { src: 't0', agg: 't0' },
    operators: { t0: { name: 'source → agg', subtasks: [] } },
    ...over,
  };
}

function savepoint(jobId: string, epoch: number): CheckpointMeta {
  const id = `savepoint-${randomUUID()}`;
  return meta(jobId, epoch, { kind: 'savepoint', savepoint_id: id, ref: id, description: 'before upgrade' });
}

/** Writes both subtasks' snapshots of `m` and stores its meta. */
async function record(m: CheckpointMeta, s = store): Promise<void> {
  for (let i = 0; i < 2; i++) await s.writeSnapshot(m.job_id, m.ref, 't0', i, snap(m.epoch));
  await s.putMeta(m);
}

describe('snapshots', () => {
  it('round-trip through the object store, with the bytes written', async () => {
    const job = newJob();
    const s: SubtaskSnapshot = {
      sources: { src: { partition: 3, seq: 2n ** 60n } },
      operators: { agg: { keys: ['a', 'b'], sums: new Float64Array([1.5, 2.5]) } },
      sinks: { out: [{ id: 1 }] },
    };
    const bytes = await store.writeSnapshot(job, 'ckpt-1', 't0', 0, s);
    expect(bytes).toBeGreaterThan(20);
    const [back] = await store.readSnapshots(job, 'ckpt-1', 't0', 1);
    expect(back).toEqual(s);
    expect((back!.operators.agg as { sums: unknown }).sums).toBeInstanceOf(Float64Array);
  });

  it('stores a 5 MB snapshot in chunks and reads it back whole', async () => {
    const job = newJob();
    const blob = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < blob.length; i++) blob[i] = (i * 31 + 7) & 0xff;
    const bytes = await store.writeSnapshot(job, 'ckpt-2', 't1', 0, { sources: {}, operators: { big: blob }, sinks: {} });
    expect(bytes).toBeGreaterThan(blob.length);
    const info = await new Objm(t.nc).open(subjects(prefix).buckets.state).then((os) => os.info(`${job}/ckpt-2/t1/0`));
    expect(info!.chunks).toBeGreaterThan(1);
    const [back] = await store.readSnapshots(job, 'ckpt-2', 't1', 1);
    expect(Buffer.compare(Buffer.from(back!.operators.big as Uint8Array), Buffer.from(blob))).toBe(0);
  });

  it('gives null for a subtask that wrote nothing', async () => {
    const job = newJob();
    await store.writeSnapshot(job, 'ckpt-3', 't0', 1, snap(1));
    const got = await store.readSnapshots(job, 'ckpt-3', 't0', 3);
    expect(got).toEqual([null, snap(1), null]);
  });

  it('overwrites a snapshot written again (a retried checkpoint)', async () => {
    const job = newJob();
    await store.writeSnapshot(job, 'ckpt-4', 't0', 0, snap(1));
    await store.writeSnapshot(job, 'ckpt-4', 't0', 0, snap(2));
    expect(await store.readSnapshots(job, 'ckpt-4', 't0', 1)).toEqual([snap(2)]);
  });

  it('refuses ids that cannot be keys', async () => {
    await expect(store.writeSnapshot('job.x', 'ckpt-1', 't0', 0, snap(1))).rejects.toBeInstanceOf(ValidationError);
    await expect(store.putMeta(meta('job>', 1))).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('meta', () => {
  it('puts, gets and lists by epoch, savepoints included', async () => {
    const job = newJob();
    const sp = savepoint(job, 7);
    // Out of order, and beyond 9 so a lexical sort of unpadded epochs would fail.
    for (const m of [meta(job, 10), sp, meta(job, 2), meta(job, 9, { status: 'failed', finish_time: null })]) await store.putMeta(m);
    expect(await store.getMeta(job, 10)).toEqual(meta(job, 10));
    expect(await store.getMeta(job, 7)).toEqual(sp);
    expect(await store.getMeta(job, 3)).toBeNull();
    expect(await store.getMeta('job.bad', 3)).toBeNull();
    expect((await store.listMeta(job)).map((m) => [m.epoch, m.kind])).toEqual([
      [2, 'checkpoint'], [7, 'savepoint'], [9, 'checkpoint'], [10, 'checkpoint'],
    ]);
    expect(await store.listMeta(newJob())).toEqual([]);
  });

  it('updates a checkpoint in place as it progresses', async () => {
    const job = newJob();
    await store.putMeta(meta(job, 1, { status: 'in_progress', finish_time: null }));
    await store.putMeta(meta(job, 1));
    expect(await store.listMeta(job)).toEqual([meta(job, 1)]);
  });

  it('latestCompleted ignores in-progress and failed checkpoints', async () => {
    const job = newJob();
    expect(await store.latestCompleted(job)).toBeNull();
    await store.putMeta(meta(job, 1));
    await store.putMeta(meta(job, 2));
    await store.putMeta(meta(job, 3, { status: 'failed' }));
    await store.putMeta(meta(job, 4, { status: 'in_progress', finish_time: null }));
    expect((await store.latestCompleted(job))?.epoch).toBe(2);
    const sp = savepoint(job, 5);
    await store.putMeta(sp);
    expect(await store.latestCompleted(job)).toEqual(sp);
  });
});

describe('savepoints', () => {
  it('lists, gets and deletes them with their objects', async () => {
    const job = newJob();
    const [a, b] = [savepoint(job, 4), savepoint(job, 2)];
    await record(a);
    await record(b);
    await record(meta(job, 3));
    expect((await store.listSavepoints(job)).map((m) => m.savepoint_id)).toEqual([b.savepoint_id, a.savepoint_id]);
    expect(await store.getSavepoint(job, a.savepoint_id!)).toEqual(a);
    expect(await store.getSavepoint(job, 'savepoint-nope')).toBeNull();
    expect(await store.getSavepoint(job, 'a.b>')).toBeNull();

    expect(await store.deleteSavepoint(job, a.savepoint_id!)).toBe(true);
    expect(await store.deleteSavepoint(job, a.savepoint_id!)).toBe(false);
    expect(await store.getSavepoint(job, a.savepoint_id!)).toBeNull();
    expect(await store.readSnapshots(job, a.ref, 't0', 2)).toEqual([null, null]);
    // The other savepoint and the checkpoint are untouched.
    expect(await store.readSnapshots(job, b.ref, 't0', 2)).toEqual([snap(2), snap(2)]);
    expect((await store.listMeta(job)).map((m) => m.epoch)).toEqual([2, 3]);
  });

  it('names their location in the object store', () => {
    expect(store.location('job-1', 'savepoint-2')).toBe(`nats-object-store://${subjects(prefix).buckets.state}/job-1/savepoint-2`);
  });
});

describe('gc and deleteJob', () => {
  /** A store of its own, so the streams' message counts are this test's alone. */
  async function freshStore() {
    const p = uniqueName('ckgc');
    const { checkpoints, state } = subjects(p).buckets;
    const s = await CheckpointStore.open(t.nc, p);
    const count = async () => ({
      kv: (await t.jsm.streams.info(`KV_${checkpoints}`)).state.messages,
      // Listing must not leave consumers behind (kv.keys() would, one per call).
      kvConsumers: (await t.jsm.streams.info(`KV_${checkpoints}`)).state.consumer_count,
      objects: (await t.jsm.streams.info(`OBJ_${state}`)).state.messages,
    });
    return { s, count, os: await new Objm(t.nc).open(state) };
  }

  it('keeps the newest completed checkpoints and the savepoints, and really deletes the rest', async () => {
    const { s, count, os } = await freshStore();
    const job = newJob();
    const sp = savepoint(job, 2);
    const metas = [1, 3, 4, 5, 6].map((e) => meta(job, e)).concat(meta(job, 7, { status: 'failed' }), meta(job, 8, { status: 'in_progress', finish_time: null }), sp);
    for (const m of metas) await record(m, s);
    // Each small snapshot is one chunk and one meta message: 8 checkpoints × 2 subtasks × 2.
    expect(await count()).toEqual({ kv: 8, kvConsumers: 0, objects: 32 });

    expect(await s.gc(job, 3)).toBe(3); // epochs 1, 3 (older than 4, 5, 6) and failed 7
    expect((await s.listMeta(job)).map((m) => m.epoch)).toEqual([2, 4, 5, 6, 8]);
    expect(await count()).toEqual({ kv: 5, kvConsumers: 0, objects: 20 });
    for (const e of [1, 3, 7]) {
      expect(await os.info(`${job}/ckpt-${e}/t0/0`)).toBeNull();
      expect(await s.readSnapshots(job, `ckpt-${e}`, 't0', 2)).toEqual([null, null]);
    }
    expect(await s.readSnapshots(job, 'ckpt-4', 't0', 2)).toEqual([snap(4), snap(4)]);
    expect(await s.readSnapshots(job, sp.ref, 't0', 2)).toEqual([snap(2), snap(2)]);

    // keep 0 still keeps the newest completed checkpoint; savepoints and in-progress stay.
    expect(await s.gc(job, 0)).toBe(2);
    expect((await s.listMeta(job)).map((m) => m.epoch)).toEqual([2, 6, 8]);
    expect(await s.gc(job, 0)).toBe(0);
  });

  it('deletes the objects of subtasks that reported but are not in parallelism', async () => {
    const { s, count } = await freshStore();
    const job = newJob();
    const stats = { bytes: 1, alignment_ms: 0, sync_ms: 0, async_ms: 0, finish_time: 1 };
    await s.writeSnapshot(job, 'ckpt-1', 'tx', 0, snap(1));
    await s.putMeta(meta(job, 1, { status: 'failed', parallelism: {}, operators: { tx: { name: 'x', subtasks: [{ index: 0, ...stats }] } } }));
    expect(await s.gc(job)).toBe(1);
    expect(await count()).toEqual({ kv: 0, kvConsumers: 0, objects: 0 });
  });

  it('finishes a deletion that stopped after marking the object deleted', async () => {
    const { s, count, os } = await freshStore();
    const job = newJob();
    await record(meta(job, 1, { status: 'failed' }), s);
    await os.delete(`${job}/ckpt-1/t0/0`); // as far as a crashed gc got
    expect(await s.readSnapshots(job, 'ckpt-1', 't0', 2)).toEqual([null, snap(1)]);
    expect(await s.gc(job)).toBe(1);
    expect(await count()).toEqual({ kv: 0, kvConsumers: 0, objects: 0 });
  });

  it('deleteJob removes everything of one job only, savepoints and unrecorded objects too', async () => {
    const { s, count } = await freshStore();
    const [job, other] = [newJob(), newJob()];
    await record(meta(job, 1), s);
    await record(savepoint(job, 2), s);
    await s.writeSnapshot(job, 'ckpt-3', 't0', 0, snap(3)); // its meta was never written
    await record(meta(other, 1), s);
    await s.deleteJob(job);
    expect(await s.listMeta(job)).toEqual([]);
    expect(await s.readSnapshots(job, 'ckpt-3', 't0', 1)).toEqual([null]);
    expect(await count()).toEqual({ kv: 1, kvConsumers: 0, objects: 4 });
    expect(await s.readSnapshots(other, 'ckpt-1', 't0', 2)).toEqual([snap(1), snap(1)]);
  });
});

describe('open', () => {
  it('creates the buckets once when several connections open at the same time', async () => {
    const conns = await Promise.all([connectTest('ckstore-a'), connectTest('ckstore-b'), connectTest('ckstore-c')]);
    try {
      for (let round = 0; round < 3; round++) {
        const p = uniqueName('ckopen');
        const stores = await Promise.all(conns.map((nc) => CheckpointStore.open(nc, p)));
        const job = newJob();
        await stores[0]!.writeSnapshot(job, 'ckpt-1', 't0', 0, snap(1));
        await stores[1]!.putMeta(meta(job, 1));
        expect(await stores[2]!.readSnapshots(job, 'ckpt-1', 't0', 1)).toEqual([snap(1)]);
        expect(await stores[2]!.getMeta(job, 1)).toEqual(meta(job, 1));
      }
    } finally {
      await Promise.all(conns.map((nc) => nc.close()));
    }
  });
});

describe('wire shapes', () => {
  const stats = (index: number, finish: number) => ({ index, bytes: 100 + index, alignment_ms: 1.5, sync_ms: 2, async_ms: 3.25, finish_time: finish });
  const T0 = Date.UTC(2025, 9, 29, 11, 0, 0);
  const done = meta('job-w', 12, {
    start_time: T0, finish_time: T0 + 45, state_bytes: 1234,
    parallelism: { t0: 2, t1: 1 },
    operators: { t0: { name: 'impulse → filter', subtasks: [stats(1, T0 + 30), stats(0, T0 + 20)] }, t1: { name: 'sink', subtasks: [stats(0, T0 + 40)] } },
  });

  it('summarises a checkpoint', () => {
    expect(toCheckpointSummary(done)).toStrictEqual({
      epoch: 12, checkpoint_id: 'checkpoint-12', status: 'completed', kind: 'checkpoint',
      timestamp: '2025-10-29T11:00:00.045Z', start_time: '2025-10-29T11:00:00.000Z', finish_time: '2025-10-29T11:00:00.045Z',
      duration_ms: 45, size_bytes: 1234,
    });
    const running = toCheckpointSummary({ ...done, status: 'in_progress', finish_time: null });
    expect([running.finish_time, running.duration_ms, running.timestamp]).toEqual([null, null, '2025-10-29T11:00:00.000Z']);
  });

  it('details a checkpoint per operator and subtask', () => {
    const d = toCheckpointDetails(done);
    expect(Object.keys(d).sort()).toEqual(
      ['checkpoint_id', 'duration_ms', 'epoch', 'finish_time', 'job_id', 'kind', 'operator_checkpoint_groups', 'size_bytes', 'start_time', 'status', 'timestamp'],
    );
    expect(d.job_id).toBe('job-w');
    expect(d.operator_checkpoint_groups[0]).toStrictEqual({
      operator_id: 't0', name: 'impulse → filter', bytes: 201,
      started_metadata_write: '2025-10-29T11:00:00.030Z', finish_time: '2025-10-29T11:00:00.045Z',
      subtasks: [
        { index: 0, bytes: 100, alignment_ms: 1.5, sync_ms: 2, async_ms: 3.25, finish_time: '2025-10-29T11:00:00.020Z' },
        { index: 1, bytes: 101, alignment_ms: 1.5, sync_ms: 2, async_ms: 3.25, finish_time: '2025-10-29T11:00:00.030Z' },
      ],
    });
    expect(d.operator_checkpoint_groups.map((g) => [g.operator_id, g.bytes])).toEqual([['t0', 201], ['t1', 100]]);
    // A task still waiting for a subtask has no metadata times yet.
    const partial = toCheckpointDetails({ ...done, status: 'in_progress', finish_time: null, operators: { t0: { name: 'x', subtasks: [stats(0, T0)] } } });
    expect(partial.operator_checkpoint_groups[0]).toMatchObject({ started_metadata_write: null, finish_time: null, bytes: 100 });
  });

  it('shows a savepoint with its location', () => {
    const sp = { ...savepoint('job-w', 3), start_time: T0, finish_time: T0 + 45, state_bytes: 10_485_760 };
    expect(toSavepoint(sp, store.location('job-w', sp.ref))).toStrictEqual({
      savepoint_id: sp.savepoint_id, job_id: 'job-w', created_at: '2025-10-29T11:00:00.045Z', size_bytes: 10_485_760,
      location: `nats-object-store://${subjects(prefix).buckets.state}/job-w/${sp.ref}`, description: 'before upgrade',
    });
    expect(() => toSavepoint(done, 'x')).toThrow(InternalError);
  });

  it('gives a run what it needs to restore', () => {
    expect(toRestoreRef(done)).toStrictEqual({ job_id: 'job-w', ref: 'ckpt-12', epoch: 12, parallelism: { t0: 2, t1: 1 }, nodes: { src: 't0', agg: 't0' } });
  });
});
