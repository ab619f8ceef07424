// jobs.get, jobs.output, preview jobs and the running-job limit on a real stack (controller with
// max_running_jobs 3 and a 2 s preview TTL, two worker processes), through JobManager.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, ResourceNotFoundError, StateConflictError, TooManyJobsError } from '../src/api/client-errors.js';
import { JobManager } from '../src/api/job-manager.js';
import { decodeJson, encodeJson } from '../src/nats/codec.js';
import { API_SCHEMAS } from '../src/api/schema/index.js';
import { PREVIEW_CHECKPOINT_INTERVAL_MS } from '../src/spec/validate.js';
import { HEADERS, subjects } from '../src/wire.js';
import { collect, eventually } from './helpers/collect.js';
import { useTestStack } from './helpers/stack.js';

const TTL_MS = 2000;
const t = useTestStack({ workers: 2, maxRunningJobs: 3, previewTtlMs: TTL_MS });
let jm: JobManager;
const outSubject = () => `out.${t.prefix}`;

const impulse = (config: Record<string, unknown>) => [{ type: 'impulse', config }];
const blackhole = [{ type: 'blackhole', config: {} }];
const unbounded = (name: string, extra: Record<string, unknown> = {}) => ({ name, sources: impulse({ event_rate: 20 }), sinks: blackhole, ...extra });

beforeAll(() => {
  jm = new JobManager(t.stack.nc, { prefix: t.prefix });
});
afterAll(async () => {
  // Leave nothing running for the stack's stop.
  for await (const j of jm.jobs()) if (!['Stopped', 'Finished', 'Failed'].includes(j.state)) await jm.cancelJob(j.job_id).catch(() => undefined);
});

describe('jobs.get', () => {
  let jobId = '';
  it('details: config, times, metrics, tasks, the newest checkpoints and the action for Running', async () => {
    ({ job_id: jobId } = await jm.submitJob(unbounded('details', { config: { checkpoint_interval_ms: 1000 } })));
    await jm.waitForState(jobId, ['Running']);
    await eventually(async () => (await jm.getJobDetails(jobId)).checkpoints.filter((c) => c.status === 'completed').length >= 2, 'two checkpoints');
    const d = await jm.getJobDetails(jobId);
    // The reply is what the schema says (strictly: integers are integers, nulls where allowed).
    expect(API_SCHEMAS.jobs.get.response.parse(d)).toEqual(d);
    expect(d).toMatchObject({ job_id: jobId, name: 'details', status: 'running', state: 'Running', preview: false, query: null, failure_message: null });
    expect(d.config).toMatchObject({ parallelism: 1, checkpoint_interval_ms: 1000 });
    expect(d.action).toEqual({ label: 'Stop', stop_type: 'checkpoint', in_progress: false });
    expect(d.started_at).not.toBeNull();
    expect(d.metrics.checkpoint_count).toBeGreaterThanOrEqual(2);
    expect(d.tasks.length).toBeGreaterThan(0);
    expect(d.checkpoints.length).toBeLessThanOrEqual(5);
    const epochs = d.checkpoints.map((c) => c.epoch);
    expect(epochs).toEqual([...epochs].sort((a, b) => b - a));
    expect(await jm.getJobStatus(jobId)).toBe('running');
  });

  it('the action follows the state: a stopped (paused) job offers Start', async () => {
    await jm.stopJob(jobId);
    const d = await jm.getJobDetails(jobId);
    expect(d).toMatchObject({ state: 'Stopped', status: 'paused', action: { label: 'Start', stop_type: 'none', in_progress: false } });
  });

  it('404 for an unknown job, 400 for a bad body', async () => {
    await expect(jm.getJobDetails('job-nope')).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(jm.call('get', {} as never)).rejects.toSatisfy((e) => e instanceof BadRequestError && e.details![0]!.field === 'job_id');
    await expect(jm.call('get', { job_id: jobId, verbose: true } as never)).rejects.toSatisfy((e) => e instanceof BadRequestError && e.details![0]!.field === 'verbose');
  });
});

describe('jobs.output', () => {
  it('names every sink and its subject; a job without NATS sinks has no output stream', async () => {
    const { job_id } = await jm.submitJob({
      name: 'sinks',
      sources: impulse({ count: 3 }),
      sinks: [{ type: 'nats', config: { subject: outSubject(), format: 'json' } }, { type: 'stdout', config: {} }, ...blackhole],
    });
    const out = await jm.getJobOutput(job_id);
    expect(API_SCHEMAS.jobs.output.response.parse(out)).toEqual(out);
    expect(out).toMatchObject({ job_id, preview: false, preview_subject: null, inspect_subject: subjects(t.prefix).inspect(job_id) });
    expect(out.sinks.map((s) => [s.type, s.subject])).toEqual([
      ['nats', outSubject()],
      ['stdout', null],
      ['blackhole', null],
    ]);
    const { job_id: quiet } = await jm.submitJob({ name: 'quiet', sources: impulse({ count: 1 }), sinks: blackhole });
    await expect(jm.output(quiet).next()).rejects.toBeInstanceOf(StateConflictError);
    await jm.waitForState(job_id, ['Finished']);
    await jm.waitForState(quiet, ['Finished']);
    await expect(jm.getJobOutput('job-nope')).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(jm.call('output', { job_id: '' })).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe('preview jobs', () => {
  it('write only to the preview subject, checkpoint daily, and stop themselves after the TTL', async () => {
    const elsewhere = await collect(t.stack.nc, outSubject());
    const { job_id } = await jm.submitJob({
      name: 'peek',
      preview: true,
      sources: impulse({ event_rate: 50 }),
      transformations: [{ type: 'project', config: { expressions: ['counter', 'counter * 2 AS doubled'] } }],
      sinks: [{ type: 'nats', config: { subject: outSubject(), format: 'json' } }],
    });
    const out = await jm.getJobOutput(job_id);
    expect(out).toMatchObject({ preview: true, preview_subject: subjects(t.prefix).output(job_id) });
    const started = Date.now();
    const rows: unknown[] = [];
    // The iterator ends by itself once the job is at rest.
    for await (const { subject, record } of jm.output(job_id)) {
      expect(subject).toBe(subjects(t.prefix).output(job_id));
      rows.push(record);
    }
    const elapsed = Date.now() - started;
    expect(rows.length).toBeGreaterThan(10);
    expect(rows[0]).toMatchObject({ counter: expect.any(Number), doubled: expect.any(Number) });
    expect(elapsed).toBeGreaterThanOrEqual(TTL_MS - 500);
    expect(elapsed).toBeLessThan(TTL_MS + 15_000);
    const d = await jm.getJobDetails(job_id);
    expect(d).toMatchObject({ state: 'Stopped', status: 'paused', preview: true });
    expect(d.config.checkpoint_interval_ms).toBe(PREVIEW_CHECKPOINT_INTERVAL_MS);
    expect((await jm.getJobOutput(job_id)).sinks.map((s) => s.type)).toEqual(['preview']);
    expect(elsewhere.records).toEqual([]);
    elsewhere.stop();

    // A resume is a new lifetime: another TTL, then paused again.
    await jm.resumeJob(job_id);
    await jm.waitForState(job_id, ['Running']);
    const resumed = Date.now();
    await eventually(async () => (await jm.getJobDetails(job_id)).state === 'Stopped', 'the resumed preview to stop', TTL_MS + 15_000);
    expect(Date.now() - resumed).toBeGreaterThanOrEqual(TTL_MS - 500);
  });
});

describe('max_running_jobs', () => {
  it('a submit past the limit is a 429; so are resume and restart; room comes back when a job ends', async () => {
    const live = await Promise.all([1, 2, 3].map((i) => jm.submitJob(unbounded(`live-${i}`))));
    const err = await jm.submitJob(unbounded('one-too-many')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooManyJobsError);
    expect(err).toMatchObject({ code: 429, retryable: true });
    expect((err as Error).message).toMatch(/max_running_jobs.*3/);
    // The same on the wire: the micro-service error headers and body.
    const raw = await t.stack.nc.request(subjects(t.prefix).api.job('submit'), encodeJson(unbounded('raw')), { timeout: 5000 });
    expect(raw.headers?.get(HEADERS.serviceErrorCode)).toBe('429');
    expect(decodeJson(raw.data)).toMatchObject({ error: { code: 429 } });
    // A bad spec is still a 400: it is checked first.
    await expect(jm.submitJob({ name: 'bad', sources: [], sinks: blackhole })).rejects.toBeInstanceOf(BadRequestError);
    // A stopped job cannot come back past the limit either.
    const paused = (await jm.listJobs({ status: 'paused' })).jobs[0]!.job_id;
    await expect(jm.resumeJob(paused)).rejects.toBeInstanceOf(TooManyJobsError);
    await expect(jm.restartJob(paused)).rejects.toBeInstanceOf(TooManyJobsError);
    expect((await jm.listJobs({ status: 'paused' })).jobs.map((j) => j.job_id)).toContain(paused);

    await jm.cancelJob(live[0]!.job_id);
    const { job_id } = await jm.submitJob(unbounded('fits-again'));
    await jm.waitForState(job_id, ['Running']);
    for (const j of [live[1]!, live[2]!, { job_id }]) await jm.cancelJob(j.job_id);
  });
});
