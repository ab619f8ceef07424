// The API schemas (src/api/schema): one per op for request and reply, all representable as JSON
// Schema (what OpenAPI 3.1 and the docs use), and replies the service sends match them.

import { expect, it } from 'vitest';
import { z } from 'zod';
import { errorBody } from '../src/api/respond.js';
import { API_SCHEMAS, ErrorBodySchema } from '../src/api/schema/index.js';
import { ConflictError, LimitExceededError, ValidationError } from '../src/errors.js';
import { JOB_OPS, QUERY_OPS } from '../src/wire.js';

it('has request, response, summary and error codes for every op, as JSON Schema', () => {
  const all = [...JOB_OPS.map((op) => [op, API_SCHEMAS.jobs[op]] as const), ...QUERY_OPS.map((op) => [op, API_SCHEMAS.queries[op]] as const)];
  for (const [op, s] of all) {
    expect(s.summary, op).not.toBe('');
    expect(s.errors.every((c) => [400, 404, 409, 429].includes(c)), op).toBe(true);
    const request = z.toJSONSchema(s.request, { io: 'input' }) as { type?: string; additionalProperties?: unknown };
    expect(request.type, op).toBe('object');
    // Unknown fields are rejected everywhere but in a job spec (checked by the spec validator).
    if (op !== 'submit') expect(request.additionalProperties, op).toBe(false);
    expect(z.toJSONSchema(s.response)).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema' });
  }
  expect(z.toJSONSchema(API_SCHEMAS.jobs.list.request, { io: 'input' })).toMatchObject({
    properties: { limit: { default: 100, minimum: 1, maximum: 1000 }, starting_after: { type: 'string' } },
  });
});

it('error replies match the error body schema, with every code', () => {
  for (const err of [new ValidationError('x: bad', [{ field: 'x', message: 'bad' }]), new ConflictError('no'), new LimitExceededError('full'), new Error('bug')]) {
    const { code, body } = errorBody(err);
    expect(ErrorBodySchema.parse(body)).toEqual(body);
    expect(body.error.code).toBe(code);
  }
  expect(errorBody(new LimitExceededError('full')).code).toBe(429);
});
