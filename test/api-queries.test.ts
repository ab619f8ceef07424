// `queries.validate` on the real service with the real SQL compiler: a query with problems is a
// 200 listing each with its line and column, a valid one comes back with its logical graph, and
// only a malformed request is an error.

import type { Service } from '@nats-io/services';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RivuletClient } from '../src/api/client.js';
import { startApiService, type JobApi } from '../src/api/service.js';
import { createLogger } from '../src/log.js';
import { HEADERS, subjects } from '../src/wire.js';
import { uniqueName, useTestNats } from './helpers/nats.js';

const t = useTestNats('api-queries');
const prefix = uniqueName('apiq');
let svc: Service;
let client: RivuletClient;

beforeAll(async () => {
  // Validation touches no job: a controller that would fail on any call shows it is never asked.
  const noJobs = new Proxy({} as JobApi, {
    get: (_t, op) => () => {
      throw new Error(`unexpected JobApi.${String(op)}`);
    },
  });
  svc = await startApiService(t.nc, prefix, noJobs, createLogger('api-queries', { level: 'silent', pretty: false }));
  client = new RivuletClient(t.nc, prefix, 10_000);
});
afterAll(async () => {
  await svc?.stop();
});

const IMPULSE = "CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '10');";

it('lists every problem with its line and column, and no graph', async () => {
  const query = [IMPULSE, 'SELECT nope,', '  counter + missing', 'FROM impulse;'].join('\n');
  const res = await client.validateQuery(query);
  expect(res.graph).toBeNull();
  expect(res.errors.length).toBeGreaterThanOrEqual(2);
  expect(res.errors.find((e) => e.message.includes('nope'))).toMatchObject({ line: 2, column: 8 });
  expect(res.errors.find((e) => e.message.includes('missing'))).toMatchObject({ line: 3, column: 13 });
  for (const e of res.errors) expect(Object.keys(e).sort()).toEqual(['column', 'line', 'message']);
});

it('a syntax error is a problem too, at its position', async () => {
  const res = await client.validateQuery(`${IMPULSE}\nSELECT counter FROM impulse WHERE;`);
  expect(res.graph).toBeNull();
  expect(res.errors).toHaveLength(1);
  expect(res.errors[0]!.line).toBe(2);
});

it('a valid query comes back with its graph at the parallelism asked for', async () => {
  const res = await client.validateQuery(`${IMPULSE}\nSELECT counter, counter * 2 AS doubled FROM impulse WHERE counter % 3 = 0;`, { parallelism: 2 });
  expect(res.errors).toEqual([]);
  expect(res.graph).not.toBeNull();
  const graph = res.graph!;
  // Source → filter/project → sink: at least a source and a sink, joined by edges.
  expect(graph.nodes.length).toBeGreaterThanOrEqual(2);
  expect(graph.edges.length).toBeGreaterThanOrEqual(1);
  expect(JSON.stringify(graph.nodes)).toContain('impulse');
  expect(graph.nodes.every((n) => n.parallelism === 2)).toBe(true);
});

it('a body without a query is a 400; so is an unknown field', async () => {
  const empty = await t.nc.request(subjects(prefix).api.query('validate'), new TextEncoder().encode('{}'), { timeout: 5_000 });
  expect(empty.headers?.get(HEADERS.serviceErrorCode)).toBe('400');
  await expect(client.queryRequest('validate', { query: IMPULSE, dialect: 'x' })).rejects.toMatchObject({ code: 400, details: [{ field: 'dialect' }] });
});
