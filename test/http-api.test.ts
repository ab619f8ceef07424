// The HTTP API of a real controller (HTTP on a free port, a bearer token, max_running_jobs 1, one
// worker process): a job's whole life over HTTP, every reply checked against its op's schema,
// and the 400/401/404/409/429 answers of the real controller.

import { describe, expect, it } from 'vitest';
import { opSchema } from '../src/api/http/json-schema.js';
import type { OpRef } from '../src/api/http/routes.js';
import { eventually } from './helpers/collect.js';
import { http as request } from './helpers/http.js';
import { useTestStack } from './helpers/stack.js';

const TOKEN = 'http-api-test-token';
const t = useTestStack({ workers: 1, maxRunningJobs: 1, httpPort: 0, apiToken: TOKEN });
const base = () => t.stack.controller.http!.url;
const http = (method: string, path: string, body?: unknown) => request(base(), method, path, { token: TOKEN, ...(body !== undefined ? { body } : {}) });

/** The reply, after checking its status and that its op's response schema takes it as is. */
async function ok(op: OpRef, status: number, method: string, path: string, body?: unknown) {
  const res = await http(method, path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(opSchema(op).response.parse(res.body)).toEqual(res.body);
  return res.body;
}
async function fails(code: number, method: string, path: string, body?: unknown) {
  const res = await http(method, path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(code);
  expect(res.body.error).toMatchObject({ code, message: expect.any(String) });
  return res.body.error;
}

const spec = (name: string) => ({
  name,
  config: { checkpoint_interval_ms: 1000 },
  sources: [{ type: 'impulse', config: { event_rate: 50 } }],
  transformations: [{ type: 'key_by', config: { keys: ['counter'] } }],
  sinks: [{ type: 'blackhole', config: {} }],
});

describe('a job over HTTP', () => {
  let jobId = '';
  const J = () => `/api/v1/jobs/${jobId}`;

  it('POST /api/v1/queries/validate; POST /api/v1/jobs (201); 400 for a bad spec; 429 past the limit', async () => {
    const v = await ok('queries.validate', 200, 'POST', '/api/v1/queries/validate', { query: "CREATE TABLE i WITH (connector = 'impulse'); SELECT counter FROM i" });
    expect(v.errors).toEqual([]);
    const bad = await fails(400, 'POST', '/api/v1/jobs', { name: 'bad', sources: [], sinks: [] });
    expect(bad.details.length).toBeGreaterThan(0);
    ({ job_id: jobId } = await ok('jobs.submit', 201, 'POST', '/api/v1/jobs', spec('over-http')));
    await fails(429, 'POST', '/api/v1/jobs', spec('one-too-many'));
  });

  it('GET /api/v1/jobs (filter, page) and GET /api/v1/jobs/{job_id}', async () => {
    const list = await ok('jobs.list', 200, 'GET', '/api/v1/jobs?limit=10');
    expect(list.jobs.map((j: { job_id: string }) => j.job_id)).toContain(jobId);
    await fails(404, 'GET', '/api/v1/jobs?starting_after=job-nope');
    await eventually(async () => (await http('GET', J())).body.state === 'Running', 'Running');
    expect((await ok('jobs.list', 200, 'GET', '/api/v1/jobs?status=running')).jobs).toMatchObject([{ job_id: jobId, status: 'running' }]);
    expect(await ok('jobs.get', 200, 'GET', J())).toMatchObject({ job_id: jobId, name: 'over-http', action: { label: 'Stop' } });
    await fails(404, 'GET', '/api/v1/jobs/job-nope');
  });

  it('checkpoints, operator_checkpoint_groups, metrics, operator_metric_groups, logs, errors, sinks', async () => {
    await eventually(async () => (await http('GET', `${J()}/checkpoints`)).body.checkpoints.some((c: { status: string }) => c.status === 'completed'), 'a checkpoint');
    const cps = await ok('jobs.checkpoints', 200, 'GET', `${J()}/checkpoints`);
    const epoch = cps.checkpoints.find((c: { status: string }) => c.status === 'completed').epoch;
    const d = await ok('jobs.checkpoint_details', 200, 'GET', `${J()}/checkpoints/${epoch}/operator_checkpoint_groups`);
    expect(d.operator_checkpoint_groups.length).toBeGreaterThan(0);
    await fails(404, 'GET', `${J()}/checkpoints/999999/operator_checkpoint_groups`);
    expect(await ok('jobs.metrics', 200, 'GET', `${J()}/metrics?window=1m`)).toMatchObject({ job_id: jobId, window: '1m' });
    await ok('jobs.operator_metrics', 200, 'GET', `${J()}/operator_metric_groups`);
    expect((await ok('jobs.logs', 200, 'GET', `${J()}/logs?tail=true&limit=5`)).logs.length).toBeLessThanOrEqual(5);
    expect(await ok('jobs.errors', 200, 'GET', `${J()}/errors?limit=10`)).toMatchObject({ data: [], has_more: false });
    expect((await ok('jobs.output', 200, 'GET', `${J()}/sinks`)).sinks).toMatchObject([{ type: 'blackhole', subject: null }]);
    await fails(400, 'GET', `${J()}/metrics?window=2m`);
  });

  let savepointId = '';
  it('savepoints: POST (201), GET, stop (409 for a savepoint then), resume', async () => {
    const sp = await ok('jobs.savepoint', 201, 'POST', `${J()}/savepoints`, { description: 'pre-upgrade' });
    expect(sp).toMatchObject({ job_id: jobId, description: 'pre-upgrade' });
    savepointId = sp.savepoint_id;
    expect((await ok('jobs.savepoints', 200, 'GET', `${J()}/savepoints`)).savepoints.map((s: { savepoint_id: string }) => s.savepoint_id)).toContain(savepointId);
    expect(await ok('jobs.stop', 200, 'POST', `${J()}/stop`)).toMatchObject({ state: 'Stopped', status: 'paused' });
    await fails(409, 'POST', `${J()}/stop`);
    await fails(409, 'POST', `${J()}/savepoints`, {});
    await ok('jobs.resume', 200, 'POST', `${J()}/resume`);
    await fails(409, 'POST', `${J()}/resume`);
    await eventually(async () => (await http('GET', J())).body.state === 'Running', 'Running again');
  });

  it('DELETE /api/v1/jobs/{job_id}?savepoint=true cancels with a savepoint; restart from it; forget', async () => {
    const c = await ok('jobs.cancel', 200, 'DELETE', `${J()}?savepoint=true`);
    expect(c).toMatchObject({ job_id: jobId, status: 'cancelled', savepoint_id: expect.any(String) });
    await fails(409, 'DELETE', J());
    await fails(404, 'POST', `${J()}/restart`, { savepoint_id: 'sp-nope' });
    const r = await ok('jobs.restart', 200, 'POST', `${J()}/restart`, { savepoint_id: savepointId });
    expect(r.restored_from_savepoint).toBe(savepointId);
    await eventually(async () => (await http('GET', J())).body.state === 'Running', 'Running after restart');
    await fails(409, 'POST', `${J()}/restart`, { savepoint_id: savepointId });
    await fails(409, 'POST', `${J()}/forget`);
    await ok('jobs.cancel', 200, 'DELETE', J());
    expect(await ok('jobs.savepoint_delete', 200, 'DELETE', `${J()}/savepoints/${savepointId}`)).toMatchObject({ deleted: true });
    await fails(404, 'DELETE', `${J()}/savepoints/${savepointId}`);
    expect(await ok('jobs.delete', 200, 'POST', `${J()}/forget`)).toEqual({ job_id: jobId, deleted: true });
    await fails(404, 'GET', J());
  });

  it('401 without the token on the real server; ping answers without it', async () => {
    const res = await request(base(), 'GET', '/api/v1/jobs');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await request(base(), 'GET', '/api/v1/ping')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
