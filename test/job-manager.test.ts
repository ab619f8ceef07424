// JobManager (the public typed client) against the real API service on NATS, with a recording
// stand-in for the controller: each method sends the right op and body, the cursor iterator and
// the output iterator work, and every wire error code becomes its error class.

import type { Service } from '@nats-io/services';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, BadRequestError, ResourceNotFoundError, ServerError, StateConflictError, TooManyJobsError } from '../src/api/client-errors.js';
import { JobManager } from '../src/api/job-manager.js';
import { startApiService } from '../src/api/service.js';
import { createLogger } from '../src/log.js';
import { encodeJson } from '../src/nats/codec.js';
import { subjects, type JobState } from '../src/wire.js';
import { uniqueName, useTestNats } from './helpers/nats.js';
import { failForJob, standInApi } from './helpers/stand-in-api.js';

const t = useTestNats('job-manager');
const prefix = uniqueName('jm');
const calls: unknown[][] = [];
const JOBS = ['job-5', 'job-4', 'job-3', 'job-2', 'job-1'];
let outputState: JobState = 'Running';


/** Records every call and answers with just enough of a reply. */
const record =
  (method: string, reply: (...args: never[]) => unknown = () => ({ method })) =>
  async (...args: unknown[]) => {
    calls.push([method, ...args]);
    if (typeof args[0] === 'string') failForJob(args[0], 3);
    if (args[0] && typeof args[0] === 'object' && 'job_id' in args[0]) failForJob((args[0] as { job_id: string }).job_id, 3);
    return (reply as (...a: unknown[]) => unknown)(...args);
  };

const api = standInApi((m) => record(m), {
  submit: record('submit', () => ({ job_id: 'job-new', status: 'submitted' })),
  list: (req: { starting_after?: string; limit: number }) => {
    calls.push(['list', req]);
    const start = req.starting_after ? JOBS.indexOf(req.starting_after) + 1 : 0;
    const jobs = JOBS.slice(start, start + req.limit).map((job_id) => ({ job_id }));
    return { jobs, total: JOBS.length, limit: req.limit, offset: start, has_more: start + jobs.length < JOBS.length };
  },
  get: record('get', (jobId: string) => ({ job_id: jobId, status: 'paused', state: outputState })),
  output: record('output', (jobId: string) => {
    const subject = subjects(prefix).output(jobId);
    return { job_id: jobId, preview: true, preview_subject: subject, inspect_subject: subjects(prefix).inspect(jobId), sinks: [{ node_id: 'sink-0', type: 'preview', subject, stream: null }] };
  }),
  cancel: record('cancel', (jobId: string, sp: boolean) => ({ job_id: jobId, status: 'cancelled', ...(sp ? { savepoint_id: 'sp-1' } : {}) })),
  savepoint: record('savepoint', () => ({ savepoint_id: 'sp-1' })),
});

let svc: Service;
let jm: JobManager;
beforeAll(async () => {
  svc = await startApiService(t.nc, prefix, api, createLogger('jm-test', { level: 'silent', pretty: false }), {
    validate: async (req) => (calls.push(['validate', req]), { errors: [], graph: null }),
  });
  jm = new JobManager(t.nc, { prefix, timeoutMs: 5000 });
});
afterAll(() => svc?.stop());
beforeEach(() => {
  calls.length = 0;
});

describe('every method sends its op', () => {
  it('submit, list, get, status', async () => {
    await expect(jm.submitJob({ name: 'x', sources: [], sinks: [] })).resolves.toMatchObject({ job_id: 'job-new' });
    await jm.listJobs({ status: 'running', limit: 2, startingAfter: 'job-5' });
    await jm.listJobs({ offset: 3 });
    await expect(jm.getJobDetails('job-1')).resolves.toMatchObject({ job_id: 'job-1' });
    await expect(jm.getJobStatus('job-1')).resolves.toBe('paused');
    expect(calls).toEqual([
      ['submit', { name: 'x', sources: [], sinks: [] }],
      ['list', { status: 'running', limit: 2, starting_after: 'job-5' }],
      ['list', { limit: 100, offset: 3 }],
      ['get', 'job-1'],
      ['get', 'job-1'],
    ]);
  });

  it('lifecycle: cancel (with savepoint), stop, resume, restart, delete', async () => {
    await jm.cancelJob('job-1');
    await expect(jm.cancelJobWithSavepoint('job-1')).resolves.toMatchObject({ savepoint_id: 'sp-1' });
    await jm.stopJob('job-1');
    await jm.stopJob('job-1', 'force');
    await jm.resumeJob('job-1');
    await jm.restartJob('job-1');
    await jm.restartJob('job-1', { savepointId: 'sp-1', configOverrides: { parallelism: 4 } });
    await jm.deleteJob('job-1');
    expect(calls).toEqual([
      ['cancel', 'job-1', false],
      ['cancel', 'job-1', true],
      ['stop', 'job-1', 'checkpoint'],
      ['stop', 'job-1', 'force'],
      ['resume', 'job-1'],
      ['restart', { job_id: 'job-1' }],
      ['restart', { job_id: 'job-1', savepoint_id: 'sp-1', config_overrides: { parallelism: 4 } }],
      ['delete', 'job-1'],
    ]);
  });

  it('savepoints, checkpoints, output, validate', async () => {
    await expect(jm.createSavepoint('job-1', 'pre-upgrade')).resolves.toMatchObject({ savepoint_id: 'sp-1' });
    await jm.createSavepoint('job-1');
    await jm.listSavepoints('job-1');
    await jm.deleteSavepoint('job-1', 'sp-1');
    await jm.listCheckpoints('job-1');
    await jm.getCheckpointDetails('job-1', 3);
    await expect(jm.getJobOutput('job-1')).resolves.toMatchObject({ preview: true });
    await jm.validateQuery('SELECT 1', { parallelism: 2 });
    expect(calls).toEqual([
      ['savepoint', 'job-1', 'pre-upgrade'],
      ['savepoint', 'job-1', null],
      ['savepoints', 'job-1'],
      ['deleteSavepoint', 'job-1', 'sp-1'],
      ['checkpoints', 'job-1'],
      ['checkpointDetails', 'job-1', 3],
      ['output', 'job-1'],
      ['validate', { query: 'SELECT 1', parallelism: 2 }],
    ]);
  });

  it('metrics, operator metrics, logs, errors', async () => {
    await jm.getJobMetrics('job-1');
    await jm.getJobMetrics('job-1', '1h');
    await jm.getOperatorMetrics('job-1');
    await jm.getJobLogs('job-1');
    await jm.getJobLogs('job-1', { level: 'warn', limit: 10, tail: true });
    await jm.getJobErrors('job-1', { limit: 5, startingAfter: '42' });
    expect(calls).toEqual([
      ['metrics', 'job-1', '5m'],
      ['metrics', 'job-1', '1h'],
      ['operatorMetrics', 'job-1'],
      ['logs', { job_id: 'job-1', limit: 1000, tail: false }],
      ['logs', { job_id: 'job-1', level: 'warn', limit: 10, tail: true }],
      ['errors', { job_id: 'job-1', limit: 5, starting_after: '42' }],
    ]);
    await expect(jm.getJobMetrics('job-missing')).rejects.toBeInstanceOf(ResourceNotFoundError);
  });
});

describe('iterators', () => {
  it('jobs() walks every page by cursor', async () => {
    const ids: string[] = [];
    for await (const j of jm.jobs({ pageSize: 2 })) ids.push(j.job_id);
    expect(ids).toEqual(JOBS);
    expect(calls.map((c) => (c[1] as { starting_after?: string }).starting_after)).toEqual([undefined, 'job-4', 'job-2']);
  });

  it('output() yields the published records and ends when the job is at rest', async () => {
    outputState = 'Running';
    const subject = subjects(prefix).output('job-1');
    const got: unknown[] = [];
    const done = (async () => {
      for await (const r of jm.output('job-1', { pollMs: 50 })) got.push(r);
    })();
    await new Promise((r) => setTimeout(r, 200)); // the iterator subscribes when it starts
    for (let i = 0; i < 3; i++) t.nc.publish(subject, encodeJson({ counter: i }));
    await t.nc.flush();
    await new Promise((r) => setTimeout(r, 100));
    outputState = 'Stopped';
    await done;
    expect(got).toEqual([0, 1, 2].map((i) => ({ subject, record: { counter: i } })));
  });

  it('output() ends when its signal aborts', async () => {
    outputState = 'Running';
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const got: unknown[] = [];
    for await (const r of jm.output('job-1', { signal: ac.signal, untilRest: false })) got.push(r);
    expect(got).toEqual([]);
  });
});

describe('typed errors by wire code', () => {
  it('400, 404, 409, 429, 500', async () => {
    const errOf = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as ApiError);
    const cases: Array<[Promise<unknown>, new (...a: never[]) => ApiError, number, boolean]> = [
      [jm.stopJob('job-1', 'pause' as never), BadRequestError, 400, false],
      [jm.getJobDetails('job-missing'), ResourceNotFoundError, 404, false],
      [jm.resumeJob('job-finished'), StateConflictError, 409, false],
      [jm.resumeJob('job-full'), TooManyJobsError, 429, true],
      [jm.listCheckpoints('job-bug'), ServerError, 500, true],
    ];
    for (const [p, cls, code, retryable] of cases) {
      const e = await errOf(p);
      expect(e).toBeInstanceOf(cls);
      expect(e).toBeInstanceOf(ApiError);
      expect(e).toMatchObject({ code, retryable, name: cls.name });
    }
    const bad = await errOf(jm.stopJob('job-1', 'pause' as never));
    expect(bad!.details).toEqual([{ field: 'mode', message: expect.stringContaining('unknown stop mode "pause"') }]);
  });
});
