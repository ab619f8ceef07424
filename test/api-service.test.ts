// The API micro service on the real test NATS server, in front of a recording stand-in for the
// controller: every op reaches the right JobApi method with validated arguments, through the
// typed client, and errors come back with their wire codes and headers.

import type { Service, ServiceInfo } from '@nats-io/services';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, RivuletClient } from '../src/api/client.js';
import type { QueryApi } from '../src/api/queries.js';
import { API_SCHEMAS } from '../src/api/schema/index.js';
import { startApiService, type JobApi } from '../src/api/service.js';
import { ConflictError, NotFoundError, ValidationError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { decodeJson, encodeJson } from '../src/nats/codec.js';
import { HEADERS, JOB_OPS, QUERY_OPS, SERVICE_NAME, subjects, type Savepoint } from '../src/wire.js';
import { uniqueName, useTestNats } from './helpers/nats.js';

const t = useTestNats('api-service');
const prefix = uniqueName('api');
const AT = '2026-01-01T00:00:00.000Z';

type Call = [method: string, ...args: unknown[]];
const calls: Call[] = [];

/** Job ids that make the stand-in throw, as the controller would. */
function check(jobId: string): void {
  if (jobId === 'job-missing') throw new NotFoundError(`job ${jobId} not found`);
  if (jobId === 'job-finished') throw new ConflictError(`job ${jobId} is Finished`);
  if (jobId === 'job-invalid') throw new ValidationError('savepoint_id: no such savepoint shape', [{ field: 'savepoint_id', message: 'bad' }]);
  if (jobId === 'job-bug') throw new Error('unexpected');
}

const savepoint = (job_id: string, description: string | null): Savepoint => ({
  savepoint_id: 'sp-1',
  job_id,
  created_at: AT,
  size_bytes: 42,
  location: `nats-object-store://STATE/${job_id}/sp-1`,
  description,
});

const api: JobApi = {
  async submit(body) {
    calls.push(['submit', body]);
    return { job_id: 'job-new', status: 'submitted', state: 'Created', submitted_at: AT, message: 'ok' };
  },
  list(req) {
    calls.push(['list', req]);
    return { jobs: [], total: 0, limit: req.limit, offset: req.offset ?? 0, has_more: false };
  },
  async get(jobId) {
    calls.push(['get', jobId]);
    check(jobId);
    return { job_id: jobId } as Awaited<ReturnType<JobApi['get']>>;
  },
  async output(jobId) {
    calls.push(['output', jobId]);
    check(jobId);
    return { job_id: jobId, preview: true, preview_subject: `${prefix}.output.${jobId}`, inspect_subject: `${prefix}.inspect.${jobId}`, sinks: [] };
  },
  async cancel(jobId, sp) {
    calls.push(['cancel', jobId, sp]);
    check(jobId);
    return { job_id: jobId, status: 'cancelled', cancelled_at: AT, ...(sp ? { savepoint_id: 'sp-1' } : {}) };
  },
  async stop(jobId, mode) {
    calls.push(['stop', jobId, mode]);
    check(jobId);
    return { job_id: jobId, status: 'paused', state: 'Stopped', stopped_at: AT };
  },
  async resume(jobId) {
    calls.push(['resume', jobId]);
    check(jobId);
    return { job_id: jobId, status: 'running', state: 'Running', resumed_at: AT };
  },
  async restart(req) {
    calls.push(['restart', req]);
    check(req.job_id);
    return { job_id: req.job_id, status: 'running', restarted_at: AT, restored_from_savepoint: req.savepoint_id ?? null, message: 'ok' };
  },
  async savepoint(jobId, description) {
    calls.push(['savepoint', jobId, description]);
    check(jobId);
    return savepoint(jobId, description);
  },
  async savepoints(jobId) {
    calls.push(['savepoints', jobId]);
    check(jobId);
    return { job_id: jobId, savepoints: [savepoint(jobId, null)] };
  },
  async deleteSavepoint(jobId, savepointId) {
    calls.push(['deleteSavepoint', jobId, savepointId]);
    check(jobId);
    if (savepointId === 'sp-missing') throw new NotFoundError(`savepoint ${savepointId} not found`);
    return { job_id: jobId, savepoint_id: savepointId, deleted: true };
  },
  async checkpoints(jobId) {
    calls.push(['checkpoints', jobId]);
    check(jobId);
    return { job_id: jobId, checkpoints: [] };
  },
  async checkpointDetails(jobId, epoch) {
    calls.push(['checkpointDetails', jobId, epoch]);
    check(jobId);
    if (epoch > 3) throw new NotFoundError(`no checkpoint ${epoch}`);
    return {
      job_id: jobId,
      epoch,
      checkpoint_id: `ckpt-${epoch}`,
      status: 'completed',
      kind: 'checkpoint',
      timestamp: AT,
      start_time: AT,
      finish_time: AT,
      duration_ms: 5,
      size_bytes: 10,
      operator_checkpoint_groups: [],
    };
  },
  async delete(jobId) {
    calls.push(['delete', jobId]);
    check(jobId);
    return { job_id: jobId, deleted: true };
  },
  // The observability ops are exercised against a real controller in test/observability-api.test.ts.
  async metrics(jobId, window) {
    calls.push(['metrics', jobId, window]);
    throw new NotFoundError(`job ${jobId} not found`);
  },
  async operatorMetrics(jobId) {
    calls.push(['operatorMetrics', jobId]);
    return { job_id: jobId, data: [] };
  },
  async logs(q) {
    calls.push(['logs', q]);
    return { job_id: q.job_id, logs: [], total: 0, limit: q.limit };
  },
  async errors(q) {
    calls.push(['errors', q]);
    return { data: [], has_more: false };
  },
};

const NODE = { id: 'n1', name: 'impulse-source', parallelism: 1, description: 'impulse' };
/** Stands in for the SQL compiler: "bad" is a query with one problem. */
const queries: QueryApi = {
  async validate(req) {
    calls.push(['validate', req]);
    if (req.query === 'bad') return { errors: [{ message: 'no such table', line: 1, column: 3 }], graph: null };
    return { errors: [], graph: { nodes: [NODE], edges: [] } };
  },
};

let svc: Service;
let client: RivuletClient;

beforeAll(async () => {
  svc = await startApiService(t.nc, prefix, api, createLogger('api-test', { level: 'silent', pretty: false }), queries);
  client = new RivuletClient(t.nc, prefix, 5_000);
});
afterAll(async () => {
  await svc?.stop();
});
beforeEach(() => {
  calls.length = 0;
});

describe('every op reaches its JobApi method', () => {
  it('stop: the mode, defaulting to checkpoint', async () => {
    await expect(client.stop('job-1')).resolves.toMatchObject({ job_id: 'job-1', status: 'paused', state: 'Stopped' });
    await client.stop('job-1', 'force');
    expect(calls).toEqual([
      ['stop', 'job-1', 'checkpoint'],
      ['stop', 'job-1', 'force'],
    ]);
  });

  it('resume', async () => {
    await expect(client.resume('job-1')).resolves.toEqual({ job_id: 'job-1', status: 'running', state: 'Running', resumed_at: AT });
    expect(calls).toEqual([['resume', 'job-1']]);
  });

  it('cancel: cancel(jobId) keeps working, and with a savepoint', async () => {
    await expect(client.cancel('job-1')).resolves.toEqual({ job_id: 'job-1', status: 'cancelled', cancelled_at: AT });
    await expect(client.cancel('job-1', { savepoint: true })).resolves.toMatchObject({ savepoint_id: 'sp-1' });
    expect(calls).toEqual([
      ['cancel', 'job-1', false],
      ['cancel', 'job-1', true],
    ]);
  });

  it('restart: from the latest checkpoint, from a savepoint, at a new parallelism', async () => {
    await client.restart('job-1');
    await expect(client.restart('job-1', { savepointId: 'sp-1', parallelism: 8 })).resolves.toMatchObject({ restored_from_savepoint: 'sp-1' });
    await client.restart('job-1', { parallelism: 3 });
    expect(calls).toEqual([
      ['restart', { job_id: 'job-1' }],
      ['restart', { job_id: 'job-1', savepoint_id: 'sp-1', config_overrides: { parallelism: 8 } }],
      ['restart', { job_id: 'job-1', config_overrides: { parallelism: 3 } }],
    ]);
  });

  it('savepoints: create (description or null), list, delete', async () => {
    await expect(client.createSavepoint('job-1', 'pre-upgrade')).resolves.toMatchObject({ savepoint_id: 'sp-1', description: 'pre-upgrade' });
    await client.createSavepoint('job-1');
    await expect(client.listSavepoints('job-1')).resolves.toMatchObject({ job_id: 'job-1', savepoints: [{ savepoint_id: 'sp-1' }] });
    await expect(client.deleteSavepoint('job-1', 'sp-1')).resolves.toEqual({ job_id: 'job-1', savepoint_id: 'sp-1', deleted: true });
    expect(calls).toEqual([
      ['savepoint', 'job-1', 'pre-upgrade'],
      ['savepoint', 'job-1', null],
      ['savepoints', 'job-1'],
      ['deleteSavepoint', 'job-1', 'sp-1'],
    ]);
  });

  it('checkpoints: list and details of one epoch', async () => {
    await expect(client.listCheckpoints('job-1')).resolves.toEqual({ job_id: 'job-1', checkpoints: [] });
    await expect(client.checkpointDetails('job-1', 2)).resolves.toMatchObject({ epoch: 2, checkpoint_id: 'ckpt-2', operator_checkpoint_groups: [] });
    expect(calls).toEqual([
      ['checkpoints', 'job-1'],
      ['checkpointDetails', 'job-1', 2],
    ]);
  });

  it('delete', async () => {
    await expect(client.deleteJob('job-1')).resolves.toEqual({ job_id: 'job-1', deleted: true });
    await expect(client.deleteJob('job-missing')).rejects.toMatchObject({ code: 404 });
    expect(calls).toEqual([
      ['delete', 'job-1'],
      ['delete', 'job-missing'],
    ]);
  });

  it('queries.validate: 200 with the problems, the graph when valid; parallelism defaults to 1', async () => {
    await expect(client.validateQuery('bad')).resolves.toEqual({ errors: [{ message: 'no such table', line: 1, column: 3 }], graph: null });
    await expect(client.validateQuery('good', { parallelism: 3, udfs: 'export {}' })).resolves.toEqual({ errors: [], graph: { nodes: [NODE], edges: [] } });
    expect(calls).toEqual([
      ['validate', { query: 'bad', parallelism: 1 }],
      ['validate', { query: 'good', parallelism: 3, udfs: 'export {}' }],
    ]);
  });

  it('queries.validate: no query, a non-string one, a bad parallelism or an unknown field is a 400', async () => {
    await expect(client.queryRequest('validate', {})).rejects.toMatchObject({ code: 400, details: [{ field: 'query' }] });
    await expect(client.queryRequest('validate', { query: 42 })).rejects.toMatchObject({ code: 400, details: [{ field: 'query' }] });
    await expect(client.validateQuery('x', { parallelism: 0 })).rejects.toMatchObject({ code: 400, details: [{ field: 'parallelism' }] });
    await expect(client.queryRequest('validate', { query: 'x', sql: 'y' })).rejects.toMatchObject({ code: 400, details: [{ field: 'sql' }] });
    const empty = await t.nc.request(subjects(prefix).api.query('validate'), new Uint8Array(0), { timeout: 5_000 });
    expect(empty.headers?.get(HEADERS.serviceErrorCode)).toBe('400');
    expect(calls).toEqual([]);
  });

  it('submit, list and get still reach theirs', async () => {
    await client.submit({ name: 'x' });
    await client.list({ status: 'paused' });
    await client.get('job-1');
    expect(calls).toEqual([
      ['submit', { name: 'x' }],
      ['list', { status: 'paused', limit: 100 }],
      ['get', 'job-1'],
    ]);
  });
});

describe('errors keep their codes', () => {
  it('a bad body is a 400 naming the field, and the controller is not called', async () => {
    await expect(client.stop('job-1', 'pause' as never)).rejects.toMatchObject({ code: 400, details: [{ field: 'mode' }] });
    await expect(client.restart('job-1', { parallelism: 0 })).rejects.toMatchObject({ code: 400, details: [{ field: 'config_overrides.parallelism' }] });
    await expect(client.checkpointDetails('job-1', 0)).rejects.toMatchObject({ code: 400, details: [{ field: 'epoch' }] });
    await expect(client.createSavepoint('job-1', 'x'.repeat(2000))).rejects.toMatchObject({ code: 400, details: [{ field: 'description' }] });
    await expect(client.request('savepoint_delete', { job_id: 'job-1' })).rejects.toMatchObject({ code: 400, details: [{ field: 'savepoint_id' }] });
    await expect(client.request('resume', { job_id: 'job-1', mode: 'x' })).rejects.toMatchObject({ code: 400, details: [{ field: 'mode' }] });
    expect(calls).toEqual([]);
  });

  it('NotFoundError → 404, ConflictError → 409, ValidationError → 400, anything else → 500', async () => {
    const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: ApiError) => e.code);
    expect(await codeOf(client.stop('job-missing'))).toBe(404);
    expect(await codeOf(client.deleteSavepoint('job-1', 'sp-missing'))).toBe(404);
    expect(await codeOf(client.checkpointDetails('job-1', 9))).toBe(404);
    expect(await codeOf(client.resume('job-finished'))).toBe(409);
    expect(await codeOf(client.cancel('job-finished', { savepoint: true }))).toBe(409);
    expect(await codeOf(client.restart('job-invalid', { savepointId: 'x' }))).toBe(400);
    expect(await codeOf(client.listCheckpoints('job-bug'))).toBe(500);
  });

  it('an error reply carries the micro-service headers and the error body', async () => {
    const msg = await t.nc.request(subjects(prefix).api.job('restart'), encodeJson({ job_id: 'job-finished' }), { timeout: 5_000 });
    expect(msg.headers?.get(HEADERS.serviceErrorCode)).toBe('409');
    expect(msg.headers?.get(HEADERS.serviceError)).toBe('job job-finished is Finished');
    expect(decodeJson(msg.data)).toEqual({ error: { code: 409, message: 'job job-finished is Finished' } });
    const bad = await t.nc.request(subjects(prefix).api.job('checkpoint_details'), encodeJson({ job_id: 'j', epoch: 'one' }), { timeout: 5_000 });
    expect(bad.headers?.get(HEADERS.serviceErrorCode)).toBe('400');
    expect(decodeJson(bad.data)).toMatchObject({ error: { code: 400, details: [{ field: 'epoch' }] } });
  });

  it('an empty body counts as {} (job_id missing → 400); non-JSON is a 400', async () => {
    const empty = await t.nc.request(subjects(prefix).api.job('savepoints'), new Uint8Array(0), { timeout: 5_000 });
    expect(empty.headers?.get(HEADERS.serviceErrorCode)).toBe('400');
    const junk = await t.nc.request(subjects(prefix).api.job('stop'), new TextEncoder().encode('{nope'), { timeout: 5_000 });
    expect(junk.headers?.get(HEADERS.serviceErrorCode)).toBe('400');
    expect(calls).toEqual([]);
  });
});

it('$SRV.INFO.rivulet lists one endpoint per op on its subject', async () => {
  // Other test files run `rivulet` services on this server too: ask this instance by its id.
  const id = svc.info().id;
  const msg = await t.nc.request(`$SRV.INFO.${SERVICE_NAME}.${id}`, new Uint8Array(0), { timeout: 5_000 });
  const info = decodeJson(msg.data) as ServiceInfo;
  expect(info.name).toBe(SERVICE_NAME);
  const endpoints = info.endpoints.map((e) => [e.name, e.subject]).sort();
  const expected = [
    ...JOB_OPS.map((op) => [`jobs_${op}`, subjects(prefix).api.job(op)]),
    ...QUERY_OPS.map((op) => [`queries_${op}`, subjects(prefix).api.query(op)]),
  ];
  expect(endpoints).toEqual(expected.sort());
  // Every op has its schemas (API_SCHEMAS), and nothing else does.
  expect(Object.keys(API_SCHEMAS.jobs).sort()).toEqual([...JOB_OPS].sort());
  expect(Object.keys(API_SCHEMAS.queries).sort()).toEqual([...QUERY_OPS].sort());
  expect(subjects(prefix).api.query('validate')).toBe(`${prefix}.api.v1.queries.validate`);
});
