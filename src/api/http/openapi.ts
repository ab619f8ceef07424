// The OpenAPI 3.1 document of the HTTP API (GET /api/v1/openapi.json), generated from the route
// table and the zod schemas that validate the requests (json-schema.ts): nothing is written twice.

import { ErrorBodySchema, OutputRecordSchema } from '../schema/index.js';
import { SERVICE_VERSION } from '../service.js';
import { opSchema, requestJsonSchema, responseJsonSchema, toJsonSchema, type JsonSchema } from './json-schema.js';
import { HTTP_ROUTES, OPENAPI_PATH, pathParams, PING_PATH, PingResponseSchema, type HttpRoute } from './routes.js';

const ERRORS: Record<number, string> = {
  400: 'Bad request: invalid JSON, an unknown field, a bad value; `details` lists every problem',
  401: 'Missing or wrong bearer token (when RIVULET_API_TOKEN is set)',
  404: 'No such job, savepoint, checkpoint epoch or list cursor',
  409: "Not allowed in the job's current state",
  429: 'The running-job limit (max_running_jobs) is reached',
  500: 'Internal or NATS failure',
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });

/** The request schema without the fields the path gives. */
function withoutFields(s: JsonSchema, names: string[]): JsonSchema {
  const properties = Object.fromEntries(Object.entries(s.properties ?? {}).filter(([k]) => !names.includes(k)));
  const required = (s.required ?? []).filter((k) => !names.includes(k));
  return { ...s, properties, ...(required.length ? { required } : { required: undefined }) };
}

function operation(route: HttpRoute, schemas: Record<string, JsonSchema>): Record<string, unknown> {
  const op = opSchema(route.op);
  const name = route.op.replace('.', '_');
  const req = requestJsonSchema(route.op);
  const inPath = pathParams(route.path);
  const props = req.properties ?? {};
  const parameters: unknown[] = inPath.map((p) => ({ name: p, in: 'path', required: true, schema: props[p] }));
  let requestBody: unknown;
  if (route.input === 'query') {
    for (const [k, schema] of Object.entries(props)) {
      if (!inPath.includes(k)) parameters.push({ name: k, in: 'query', required: (req.required ?? []).includes(k), schema });
    }
  } else {
    const body = withoutFields(req, inPath);
    schemas[`${name}_request`] = JSON.parse(JSON.stringify(body)) as JsonSchema; // drops `required: undefined`
    requestBody = { required: (body.required?.length ?? 0) > 0, content: json(ref(`${name}_request`)) };
  }
  schemas[`${name}_response`] = responseJsonSchema(route.op);
  const success = route.sse
    ? {
        description: 'text/event-stream: one event per output record (`id` from 0, `data` an OutputRecord), then an `end` event `{"job_id","state"}` once the job is at rest; an `error` event carries an ErrorBody',
        content: { 'text/event-stream': { schema: { type: 'string' }, 'x-event-data': ref('OutputRecord') } },
      }
    : { description: 'OK', content: json(ref(`${name}_response`)) };
  const responses: Record<string, unknown> = { [route.status]: success };
  for (const code of [...op.errors, 401, 500].sort()) responses[code] = { description: ERRORS[code] ?? 'Error', content: json(ref('ErrorBody')) };
  return {
    operationId: route.sse ? `${name}_stream` : name,
    tags: [route.op.split('.')[0]],
    summary: route.sse ? "Stream a job's output records as Server-Sent Events" : op.summary,
    description: `Mirrors the NATS request \`<prefix>.api.v1.${route.op}\`.`,
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

export function openApiDocument(): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = {
    ErrorBody: toJsonSchema(ErrorBodySchema, 'output'),
    OutputRecord: toJsonSchema(OutputRecordSchema, 'output'),
    PingResponse: toJsonSchema(PingResponseSchema, 'output'),
  };
  const paths: Record<string, Record<string, unknown>> = {
    [PING_PATH]: { get: { operationId: 'ping', summary: 'Liveness; needs no token', security: [], responses: { 200: { description: 'OK', content: json(ref('PingResponse')) }, 503: { description: 'The controller is starting', content: json(ref('PingResponse')) } } } },
    [OPENAPI_PATH]: { get: { operationId: 'openapi', summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } } } },
  };
  for (const route of HTTP_ROUTES) (paths[route.path] ??= {})[route.method] = operation(route, schemas);
  return {
    openapi: '3.1.0',
    info: { title: 'Rivulet API', version: SERVICE_VERSION, description: 'Job management of Rivulet over HTTP, a mirror of its NATS request-reply API (docs/WIRE.md).' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    tags: [{ name: 'jobs' }, { name: 'queries' }],
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'RIVULET_API_TOKEN' } } },
  };
}
