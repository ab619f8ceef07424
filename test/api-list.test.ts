// jobs.list on a real stack: 250 finished jobs plus one of each other status, paged by offset
// and by cursor (starting_after) in one stable order, filtered by status, and the list errors.

import { beforeAll, describe, expect, it } from 'vitest';
import { JobManager } from '../src/api/job-manager.js';
import { BadRequestError, ResourceNotFoundError } from '../src/api/client-errors.js';
import type { JobStatus, JobSummary } from '../src/wire.js';
import { API_SCHEMAS } from '../src/api/schema/index.js';
import { useTestStack } from './helpers/stack.js';

const t = useTestStack({ workers: 2, maxRunningJobs: 1000 });
let jm: JobManager;

const N = 250;
const bounded = (i: number) => ({
  name: `bounded-${i}`,
  sources: [{ type: 'impulse', config: { count: 1 } }],
  sinks: [{ type: 'blackhole', config: {} }],
});
const unbounded = (name: string) => ({ name, sources: [{ type: 'impulse', config: { event_rate: 5 } }], sinks: [{ type: 'blackhole', config: {} }] });
/** Fails at once as a user error (no retries): integer division by zero. */
const failing = { name: 'fails', sources: [{ type: 'impulse', config: { count: 5 } }], transformations: [{ type: 'project', config: { expressions: ['counter / 0 AS boom'] } }], sinks: [{ type: 'blackhole', config: {} }] };

const others: Partial<Record<JobStatus, string>> = {};

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  jm = new JobManager(t.stack.nc, { prefix: t.prefix });
  for (let i = 0; i < N; i += 25) {
    await Promise.all(Array.from({ length: 25 }, (_, k) => jm.submitJob(bounded(i + k))));
  }
  const [running, paused, cancelled, failed] = await Promise.all(['running', 'paused', 'cancelled'].map((n) => jm.submitJob(unbounded(n))).concat(jm.submitJob(failing)));
  await Promise.all([running, paused, cancelled].map((j) => jm.waitForState(j!.job_id, ['Running'])));
  await jm.stopJob(paused!.job_id, 'immediate');
  await jm.cancelJob(cancelled!.job_id);
  Object.assign(others, { running: running!.job_id, paused: paused!.job_id, cancelled: cancelled!.job_id, failed: failed!.job_id });
  await until('every bounded job to finish', async () => (await jm.listJobs({ status: 'finished' })).total === N);
  await until('the failing job to fail', async () => (await jm.getJobStatus(failed!.job_id)) === 'failed');
}, 120_000);

const key = (j: JobSummary) => [Date.parse(j.submitted_at), j.job_id] as const;

describe('jobs.list', () => {
  it('is newest first, job_id breaking ties', async () => {
    const all = (await jm.listJobs({ limit: 1000 })).jobs;
    expect(all).toHaveLength(N + 4);
    for (let i = 1; i < all.length; i++) {
      const [at0, id0] = key(all[i - 1]!);
      const [at1, id1] = key(all[i]!);
      expect(at0 > at1 || (at0 === at1 && id0 < id1)).toBe(true);
    }
  });

  it('pages by offset: default limit 100, has_more until the last page', async () => {
    const all = (await jm.listJobs({ limit: 1000 })).jobs.map((j) => j.job_id);
    const first = await jm.listJobs();
    expect(API_SCHEMAS.jobs.list.response.parse(first)).toEqual(first);
    expect(first).toMatchObject({ total: N + 4, limit: 100, offset: 0, has_more: true });
    const pages = [first, await jm.listJobs({ offset: 100 }), await jm.listJobs({ offset: 200 })];
    expect(pages.map((p) => [p.offset, p.jobs.length, p.has_more])).toEqual([
      [0, 100, true],
      [100, 100, true],
      [200, N + 4 - 200, false],
    ]);
    expect(pages.flatMap((p) => p.jobs.map((j) => j.job_id))).toEqual(all);
    expect(await jm.listJobs({ offset: 1000 })).toMatchObject({ jobs: [], has_more: false, total: N + 4 });
  });

  it('pages by cursor: starting_after the last job_id of the previous page', async () => {
    const all = (await jm.listJobs({ limit: 1000 })).jobs.map((j) => j.job_id);
    const seen: string[] = [];
    const offsets: number[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await jm.listJobs({ limit: 64, ...(after ? { startingAfter: after } : {}) });
      offsets.push(page.offset);
      seen.push(...page.jobs.map((j) => j.job_id));
      if (!page.has_more) break;
      after = page.jobs.at(-1)!.job_id;
    }
    expect(seen).toEqual(all);
    expect(offsets).toEqual([0, 64, 128, 192]); // 254 jobs: the 4th page holds the last 62
    // The client's iterator walks the same cursor.
    const iterated: string[] = [];
    for await (const j of jm.jobs({ pageSize: 99 })) iterated.push(j.job_id);
    expect(iterated).toEqual(all);
  });

  it('filters by every status, with offset and cursor', async () => {
    for (const status of ['running', 'paused', 'cancelled', 'failed'] as const) {
      const page = await jm.listJobs({ status });
      expect(page.jobs.map((j) => j.job_id)).toEqual([others[status]]);
      expect(page.jobs[0]!.status).toBe(status);
    }
    const finished = (await jm.listJobs({ status: 'finished', limit: 1000 })).jobs.map((j) => j.job_id);
    expect(finished).toHaveLength(N);
    const second = await jm.listJobs({ status: 'finished', limit: 100, startingAfter: finished[99]! });
    expect(second.jobs.map((j) => j.job_id)).toEqual(finished.slice(100, 200));
    expect(second).toMatchObject({ offset: 100, total: N, has_more: true });
    expect(await jm.listJobs({ status: 'finished', offset: 240 })).toMatchObject({ offset: 240, has_more: false });
    // A cursor need not match the filter (its status may have changed since).
    const afterRunning = await jm.listJobs({ status: 'finished', startingAfter: others.running!, limit: 1000 });
    expect(afterRunning.jobs.length).toBeLessThanOrEqual(N);
    expect((await jm.listJobs({ status: 'submitted' })).total).toBe(0);
  });

  it('rejects a bad status, limit or offset, both offset and cursor (400), and an unknown cursor (404)', async () => {
    const fieldsOf = (e: unknown) => (e as BadRequestError).details?.map((d) => d.field);
    await expect(jm.call('list', { status: 'stopped' as JobStatus })).rejects.toSatisfy((e) => e instanceof BadRequestError && fieldsOf(e)![0] === 'status');
    await expect(jm.listJobs({ limit: 1001 })).rejects.toSatisfy((e) => e instanceof BadRequestError && fieldsOf(e)![0] === 'limit');
    await expect(jm.listJobs({ limit: 0 })).rejects.toBeInstanceOf(BadRequestError);
    await expect(jm.listJobs({ offset: -1 })).rejects.toSatisfy((e) => fieldsOf(e)![0] === 'offset');
    await expect(jm.listJobs({ offset: 5, startingAfter: others.running! })).rejects.toSatisfy((e) => e instanceof BadRequestError && fieldsOf(e)![0] === 'starting_after');
    await expect(jm.listJobs({ startingAfter: '' })).rejects.toBeInstanceOf(BadRequestError);
    await expect(jm.listJobs({ startingAfter: 'job-gone' })).rejects.toSatisfy(
      (e) => e instanceof ResourceNotFoundError && e.code === 404 && /job-gone/.test(e.message) && fieldsOf(e)![0] === 'starting_after',
    );
  });
});
