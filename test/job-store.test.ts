// JobStore against the real nats-server: records survive a new connection, list in submission
// order, and deletion leaves no tombstone behind.

import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobStore, type StoredJob } from '../src/checkpoint/job-store.js';
import { ValidationError } from '../src/errors.js';
import { subjects } from '../src/wire.js';
import { connectTest, uniqueName, useTestNats } from './helpers/nats.js';

const t = useTestNats('job-store');

function job(submitted_at: number, over: Partial<StoredJob> = {}): StoredJob {
  return {
    job_id: `job-${randomUUID()}`,
    spec: { name: 'fraud', config: { parallelism: 2 }, sources: [{ type: 'impulse', config: {} }] },
    submitted_at,
    state: 'Running',
    context: { run_id: 3, restarts: 1, failure_message: null },
    updated_at: submitted_at + 5,
    ...over,
  };
}

describe('JobStore', () => {
  let prefix: string;
  let store: JobStore;
  beforeAll(async () => {
    prefix = uniqueName('jobstore');
    store = await JobStore.open(t.nc, prefix);
  });

  it('puts and gets a record, the latest put winning', async () => {
    const j = job(1000);
    await store.put(j);
    expect(await store.get(j.job_id)).toEqual(j);
    const stopped = { ...j, state: 'Stopped', updated_at: 2000, context: { ...j.context, run_id: 4 } };
    // Fired without waiting for each other, as a controller may: order is kept.
    await Promise.all([store.put({ ...j, state: 'Stopping' }), store.put(stopped)]);
    expect(await store.get(j.job_id)).toEqual(stopped);
    expect(await store.get('job-unknown')).toBeNull();
    expect(await store.get('job.>')).toBeNull();
  });

  it('lists every record in submission order, read from another connection', async () => {
    const p = uniqueName('jobstore_list');
    const s = await JobStore.open(t.nc, p);
    expect(await s.list()).toEqual([]);
    const jobs = [job(3000), job(1000), job(2000), job(1000, { job_id: 'job-0' })];
    for (const j of jobs) await s.put(j);
    const nc2 = await connectTest('job-store-2');
    try {
      const listed = await (await JobStore.open(nc2, p)).list();
      expect(listed.map((j) => j.submitted_at)).toEqual([1000, 1000, 2000, 3000]);
      expect(listed[0]!.job_id).toBe('job-0'); // ties broken by id
      expect(listed).toContainEqual(jobs[0]);
    } finally {
      await nc2.close();
    }
  });

  it('deletes a record without leaving a tombstone', async () => {
    const p = uniqueName('jobstore_del');
    const s = await JobStore.open(t.nc, p);
    const [a, b] = [job(1), job(2)];
    await s.put(a);
    await s.put(b);
    expect(await s.delete(a.job_id)).toBe(true);
    expect(await s.delete(a.job_id)).toBe(false);
    expect(await s.get(a.job_id)).toBeNull();
    expect(await s.list()).toEqual([b]);
    const info = await t.jsm.streams.info(`KV_${subjects(p).buckets.jobs}`);
    expect(info.state.messages).toBe(1);
  });

  it('refuses a job id that cannot be a key', async () => {
    await expect(store.put(job(1, { job_id: 'job.1' }))).rejects.toBeInstanceOf(ValidationError);
  });

  it('opens concurrently from several connections', async () => {
    const conns = await Promise.all([connectTest('job-store-a'), connectTest('job-store-b')]);
    try {
      const p = uniqueName('jobstore_open');
      const [s1, s2] = await Promise.all(conns.map((nc) => JobStore.open(nc, p)));
      const j = job(1);
      await s1!.put(j);
      expect(await s2!.get(j.job_id)).toEqual(j);
    } finally {
      await Promise.all(conns.map((nc) => nc.close()));
    }
  });
});
