// Every HTTP route against a real HTTP server in front of a recording stand-in for the controller:
// each route calls its op with the body built from path, query and JSON body (happy path, with
// the seed's status), each error code of the op comes back as that HTTP status with the error
// body, and the bearer token guards every route but ping.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '../src/api/http/routes.js';
import { opSchema } from '../src/api/http/json-schema.js';
import { startHttpServer, type HttpServer } from '../src/api/http/server.js';
import { ValidationError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { http } from './helpers/http.js';
import { useTestNats } from './helpers/nats.js';
import { failForJob, standInApi } from './helpers/stand-in-api.js';

const TOKEN = 's3cret-token';
const t = useTestNats('http-routes');
const log = createLogger('http-test', { level: 'silent', pretty: false });
const calls: unknown[][] = [];

// The job id (or submit name, list cursor) picks the stand-in's answer (failForJob).
const record =
  (method: string) =>
  async (...args: unknown[]) => {
    calls.push([method, ...args]);
    const first = args[0] as Record<string, unknown> | string;
    failForJob(typeof first === 'string' ? first : (first.job_id ?? first.starting_after ?? first.name), 2);
    if (method === 'submit' && 'bogus' in (first as object)) throw new ValidationError('bogus: unknown field', [{ field: 'bogus', message: 'unknown field' }]);
    return { method, job_id: typeof first === 'string' ? first : first.job_id };
  };
const api = standInApi(record, {
  list: (req: Record<string, unknown>) => (calls.push(['list', req]), failForJob(req.starting_after, 2), { jobs: [] }),
});

interface Case {
  method: string;
  /** With `job-1` where the job id goes. */
  url: string;
  body?: Record<string, unknown>;
  call: unknown[];
}
const J = '/api/v1/jobs/job-1';
const CASES: Case[] = [
  { method: 'POST', url: '/api/v1/jobs', body: { name: 'job-1', sources: [] }, call: ['submit', { name: 'job-1', sources: [] }] },
  { method: 'GET', url: '/api/v1/jobs?status=running&limit=2&starting_after=job-1', call: ['list', { status: 'running', limit: 2, starting_after: 'job-1' }] },
  { method: 'GET', url: J, call: ['get', 'job-1'] },
  { method: 'DELETE', url: `${J}?savepoint=true`, call: ['cancel', 'job-1', true] },
  { method: 'POST', url: `${J}/savepoints`, body: { description: 'pre-upgrade' }, call: ['savepoint', 'job-1', 'pre-upgrade'] },
  { method: 'GET', url: `${J}/metrics?window=1h`, call: ['metrics', 'job-1', '1h'] },
  { method: 'GET', url: `${J}/logs?level=warn&limit=5&tail=true`, call: ['logs', { job_id: 'job-1', level: 'warn', limit: 5, tail: true }] },
  { method: 'POST', url: `${J}/restart`, body: { savepoint_id: 'sp-1', config_overrides: { parallelism: 2 } }, call: ['restart', { job_id: 'job-1', savepoint_id: 'sp-1', config_overrides: { parallelism: 2 } }] },
  { method: 'GET', url: `${J}/errors?limit=20&starting_after=12`, call: ['errors', { job_id: 'job-1', limit: 20, starting_after: '12' }] },
  { method: 'GET', url: `${J}/checkpoints`, call: ['checkpoints', 'job-1'] },
  { method: 'GET', url: `${J}/checkpoints/3/operator_checkpoint_groups`, call: ['checkpointDetails', 'job-1', 3] },
  { method: 'GET', url: `${J}/operator_metric_groups`, call: ['operatorMetrics', 'job-1'] },
  { method: 'POST', url: '/api/v1/queries/validate', body: { query: 'SELECT 1', parallelism: 2 }, call: ['validate', { query: 'SELECT 1', parallelism: 2 }] },
  { method: 'POST', url: `${J}/stop`, body: { mode: 'graceful' }, call: ['stop', 'job-1', 'graceful'] },
  { method: 'POST', url: `${J}/resume`, call: ['resume', 'job-1'] },
  { method: 'GET', url: `${J}/savepoints`, call: ['savepoints', 'job-1'] },
  { method: 'DELETE', url: `${J}/savepoints/sp-1`, call: ['deleteSavepoint', 'job-1', 'sp-1'] },
  { method: 'GET', url: `${J}/sinks`, call: ['output', 'job-1'] },
  { method: 'POST', url: `${J}/forget`, call: ['delete', 'job-1'] },
];
/** The SSE route (http-sse.test.ts streams it); here only its errors. */
const SSE_CASE: Case = { method: 'GET', url: `${J}/output`, call: ['output', 'job-1'] };

const routeOf = (c: Case) => {
  const path = c.url.split('?')[0]!.replace('job-1', '{job_id}').replace('/3/', '/{epoch}/').replace('sp-1', '{savepoint_id}');
  return HTTP_ROUTES.find((r) => r.method.toUpperCase() === c.method && r.path === path)!;
};
/** The same request naming another job id (or submit name, list cursor), or with an unknown field. */
const variant = (c: Case, id: string): Case => ({ ...c, url: c.url.replace('job-1', id), ...(c.body ? { body: JSON.parse(JSON.stringify(c.body).replace('job-1', id)) } : {}) });
const withUnknownField = (c: Case): Case => (c.body || routeOf(c).input === 'body' ? { ...c, body: { ...c.body, bogus: 1 } } : { ...c, url: `${c.url}${c.url.includes('?') ? '&' : '?'}bogus=1` });
const ID_FOR: Record<number, string> = { 404: 'job-missing', 409: 'job-finished', 429: 'job-full' };

let server: HttpServer;
const call = (c: Case, token: string | undefined = TOKEN) => http(server.url, c.method, c.url, { ...(c.body ? { body: c.body } : {}), ...(token ? { token } : {}) });

beforeAll(async () => {
  server = await startHttpServer({ port: 0, token: TOKEN, log });
  server.attach({ api, nc: t.nc, queries: { validate: async (req) => (calls.push(['validate', req]), { errors: [], graph: null }) } });
});
afterAll(() => server?.close());
beforeEach(() => {
  calls.length = 0;
});

it('the cases cover every route', () => {
  const covered = new Set([...CASES, SSE_CASE].map(routeOf));
  expect(covered.has(undefined as never)).toBe(false);
  expect(HTTP_ROUTES.filter((r) => !covered.has(r))).toEqual([]);
});

describe.each(CASES.map((c) => [`${c.method} ${c.url.split('?')[0]}`, c] as const))('%s', (_name, c) => {
  const route = routeOf(c);
  it(`${route.status}: calls ${route.op} with the request built from path, query and body`, async () => {
    const res = await call(c);
    expect(res.status).toBe(route.status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(calls).toEqual([c.call]);
  });

  it.each(opSchema(route.op).errors.map((code) => [code]))('%i', async (code) => {
    const res = await call(code === 400 ? withUnknownField(c) : variant(c, ID_FOR[code]!));
    expect(res.status).toBe(code);
    expect(res.body.error).toMatchObject({ code, message: expect.any(String) });
    if (code === 400) expect(res.body.error.details ?? [{ field: 'bogus' }]).toContainEqual(expect.objectContaining({ field: 'bogus' }));
  });

  it('500 for a failure inside the controller', async () => {
    if (!['jobs.submit', 'jobs.list', 'queries.validate'].includes(route.op)) {
      const res = await call(variant(c, 'job-bug'));
      expect(res).toMatchObject({ status: 500, body: { error: { code: 500, message: 'unexpected failure' } } });
    }
  });

  it('401 without the token or with a wrong one', async () => {
    const none = await call(c, '');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="rivulet"');
    expect(none.body.error).toMatchObject({ code: 401 });
    const wrong = await call(c, 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(calls).toEqual([]);
  });
});

describe('requests', () => {
  it('the SSE route answers errors as JSON before streaming', async () => {
    expect((await call(variant(SSE_CASE, 'job-missing'))).status).toBe(404);
    expect((await call(withUnknownField(SSE_CASE))).status).toBe(400);
    expect((await call(SSE_CASE, '')).status).toBe(401);
  });

  it('query and path values the schema types as integer or boolean are converted; others are reported', async () => {
    const bad = await call({ method: 'GET', url: '/api/v1/jobs?limit=ten&offset=-1', call: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['limit', 'offset']);
    expect((await call({ method: 'GET', url: `${J}/logs?tail=yes`, call: [] })).body.error.details).toEqual([{ field: 'tail', message: 'tail must be true or false' }]);
    expect((await call({ method: 'GET', url: `${J}/checkpoints/x/operator_checkpoint_groups`, call: [] })).body.error.details[0].field).toBe('epoch');
    expect((await call({ method: 'GET', url: `${J}/checkpoints/0/operator_checkpoint_groups`, call: [] })).body.error.details[0].field).toBe('epoch');
  });

  it('a body may not repeat a path parameter; bodies must be JSON objects', async () => {
    const dup = await call({ method: 'POST', url: `${J}/restart`, body: { job_id: 'job-2' }, call: [] });
    expect(dup).toMatchObject({ status: 400, body: { error: { details: [{ field: 'job_id' }] } } });
    const notJson = await http(server.url, 'POST', '/api/v1/jobs', { raw: '{"name":', token: TOKEN });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/not valid JSON/);
    expect((await http(server.url, 'POST', '/api/v1/jobs', { raw: '[1]', token: TOKEN })).body.error.message).toBe('request body must be a JSON object');
    // curl -d sends a form content type: the body is still read as JSON.
    const form = await fetch(`${server.url}${J}/stop`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' }, body: '{"mode":"force"}' });
    expect(form.status).toBe(200);
    expect(calls).toEqual([['stop', 'job-1', 'force']]);
  });

  it('unknown routes are a JSON 404; an oversized body a 413', async () => {
    expect(await call({ method: 'GET', url: '/api/v1/nope', call: [] })).toMatchObject({ status: 404, body: { error: { code: 404 } } });
    const big = await http(server.url, 'POST', '/api/v1/jobs', { raw: JSON.stringify({ name: 'x'.repeat(9 * 1024 * 1024) }), token: TOKEN });
    expect(big.status).toBe(413);
  });

  it('a known path with a method it lacks is a 405 naming the allowed ones', async () => {
    const res = await fetch(`${server.url}/api/v1/jobs`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, GET');
    expect(await res.json()).toMatchObject({ error: { code: 405 } });
    const one = await fetch(`${server.url}${J}/restart`, { method: 'GET', headers: { authorization: `Bearer ${TOKEN}` } });
    expect([one.status, one.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('ping needs no token; the OpenAPI document does', async () => {
    expect(await http(server.url, 'GET', '/api/v1/ping')).toMatchObject({ status: 200, body: { status: 'ok', service: 'rivulet' } });
    expect((await http(server.url, 'GET', '/api/v1/openapi.json')).status).toBe(401);
    expect(await http(server.url, 'GET', '/api/v1/openapi.json', { token: TOKEN })).toMatchObject({ status: 200, body: { openapi: '3.1.0' } });
  });

  it('until the controller is attached, routes answer 503 and ping says starting', async () => {
    const early = await startHttpServer({ port: 0, log });
    try {
      expect(await http(early.url, 'GET', '/api/v1/ping')).toMatchObject({ status: 503, body: { status: 'starting' } });
      expect(await http(early.url, 'GET', '/api/v1/jobs')).toMatchObject({ status: 503, body: { error: { code: 503 } } });
      // No token configured: the API is open.
      early.attach({ api, nc: t.nc, queries: { validate: async () => ({ errors: [], graph: null }) } });
      expect((await http(early.url, 'GET', J)).status).toBe(200);
    } finally {
      await early.close();
    }
  });

  it('a port in use fails the start', async () => {
    await expect(startHttpServer({ port: server.port, log })).rejects.toThrow(/cannot listen/);
  });
});
