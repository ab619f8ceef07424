// The OpenAPI 3.1 document: generated from the route table and the ops' zod schemas, it lists
// every route with its parameters, body, success and error responses, and every $ref resolves.

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { opSchema } from '../src/api/http/json-schema.js';
import { openApiDocument } from '../src/api/http/openapi.js';
import { HTTP_ROUTES, pathParams } from '../src/api/http/routes.js';
import { JOB_OPS, QUERY_OPS } from '../src/wire.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, any>; securitySchemes: Record<string, any> };
  security: unknown[];
};
const doc = openApiDocument() as Doc;

/** Every `$ref` in the document with where it was found. */
function refs(node: unknown, at = '#', out: Array<[string, string]> = []): Array<[string, string]> {
  if (Array.isArray(node)) node.forEach((v, i) => refs(v, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref') out.push([at, v as string]);
      else refs(v, `${at}/${k}`, out);
    }
  }
  return out;
}
const resolve = (ref: string): unknown => ref.slice(2).split('/').reduce<any>((n, key) => n?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with bearer auth', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer', description: expect.any(String) });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/ping']!.get.security).toEqual([]);
  });

  it('has every route, and every NATS op has a route', () => {
    for (const r of HTTP_ROUTES) expect(doc.paths[r.path]?.[r.method], `${r.method} ${r.path}`).toBeDefined();
    const ops = new Set(HTTP_ROUTES.map((r) => r.op));
    expect([...JOB_OPS.map((o) => `jobs.${o}`), ...QUERY_OPS.map((o) => `queries.${o}`)].filter((o) => !ops.has(o as never))).toEqual([]);
    const ids = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every $ref resolves, and no schema points into a $defs of its own', () => {
    expect(JSON.stringify(doc)).not.toMatch(/"\$defs"|"\$schema"/);
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(HTTP_ROUTES.length);
    for (const [at, ref] of all) {
      expect(ref, at).toMatch(/^#\/components\/schemas\//);
      expect(resolve(ref), `${at} → ${ref}`).toBeTypeOf('object');
    }
  });

  it('each operation: path parameters, query parameters or a body from the request schema; the success status; each error code', () => {
    for (const r of HTTP_ROUTES) {
      const op = doc.paths[r.path]![r.method];
      const params = (op.parameters ?? []) as Array<{ name: string; in: string; required: boolean; schema: object }>;
      expect(params.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(pathParams(r.path));
      for (const p of params) expect(p.schema, `${r.path} ${p.name}`).toBeTypeOf('object');
      const fields = Object.keys((z.toJSONSchema(opSchema(r.op).request, { io: 'input' }) as { properties: object }).properties);
      const rest = fields.filter((f) => !pathParams(r.path).includes(f));
      if (r.input === 'query') {
        expect(params.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(rest);
        expect(op.requestBody).toBeUndefined();
      } else {
        const body = resolve(op.requestBody.content['application/json'].schema.$ref) as { properties: object };
        expect(Object.keys(body.properties)).toEqual(rest);
      }
      expect(Object.keys(op.responses).map(Number)).toEqual([r.status, ...opSchema(r.op).errors, 401, 500].sort());
      for (const code of [...opSchema(r.op).errors, 401, 500]) expect(op.responses[code].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorBody' });
      if (r.sse) expect(Object.keys(op.responses[200].content)).toEqual(['text/event-stream']);
    }
  });

  it('every component is a JSON Schema a validator takes (zod reads it back) and validates as the zod schema does', () => {
    const read = Object.fromEntries(Object.entries(doc.components.schemas).map(([k, s]) => [k, z.fromJSONSchema(s)]));
    expect(read.jobs_submit_request!.safeParse({ name: 'x', sources: [{ type: 'impulse', config: {} }] }).success).toBe(true);
    expect(read.jobs_restart_request!.safeParse({ config_overrides: { parallelism: 0 } }).success).toBe(false);
    expect(read.jobs_restart_request!.safeParse({ savepoint_id: 'sp-1', config_overrides: { parallelism: 4 } }).success).toBe(true);
    expect(read.jobs_stop_request!.safeParse({ mode: 'sideways' }).success).toBe(false);
    expect(read.ErrorBody!.safeParse({ error: { code: 404, message: 'no job' } }).success).toBe(true);
    expect(read.ErrorBody!.safeParse({ error: { message: 'no code' } }).success).toBe(false);
  });

  it('schemas say what the zod schemas say', () => {
    const list = doc.paths['/api/v1/jobs']!.get.parameters as Array<{ name: string; schema: Record<string, unknown> }>;
    expect(list.find((p) => p.name === 'limit')!.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000, default: 100 });
    expect(list.find((p) => p.name === 'status')!.schema).toMatchObject({ enum: ['submitted', 'running', 'paused', 'finished', 'failed', 'cancelled'] });
    const cancel = doc.paths['/api/v1/jobs/{job_id}']!.delete.parameters as Array<{ name: string; in: string }>;
    expect(cancel.map((p) => `${p.in}:${p.name}`)).toEqual(['path:job_id', 'query:savepoint']);
    expect(doc.components.schemas.jobs_restart_request).toMatchObject({ type: 'object', additionalProperties: false });
    expect(doc.components.schemas.jobs_restart_request.properties.job_id).toBeUndefined();
    expect(doc.components.schemas.jobs_get_response.required).toContain('action');
    expect(doc.components.schemas.ErrorBody.properties.error.required).toEqual(['code', 'message']);
  });
});
