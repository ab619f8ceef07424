// The HTTP API as a Hono app: a thin mirror of the NATS API. Every route of HTTP_ROUTES builds its
// op's request body (routes.ts) and calls the same handler the NATS service calls (service.ts),
// in process; errors get the same codes and `{"error":{...}}` bodies (respond.ts), as HTTP statuses.

import type { NatsConnection } from '@nats-io/nats-core';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import type { ErrorBody, JobOutput } from '../../wire.js';
import type { QueryApi } from '../queries.js';
import { errorBody, parseJsonObject } from '../respond.js';
import { jobHandlers, queryHandlers, SERVICE_VERSION, type Handler, type JobApi } from '../service.js';
import { bearerAuth } from './auth.js';
import { openApiDocument } from './openapi.js';
import { HTTP_ROUTES, honoPath, OPENAPI_PATH, PING_PATH, requestBody, type OpRef, type PingResponse } from './routes.js';
import { outputStream } from './sse.js';

/** What the routes call: the controller's API, once it is up. */
export interface HttpBackend {
  api: JobApi;
  queries: QueryApi;
  nc: NatsConnection;
}

export interface HttpAppOptions {
  /** Null while the controller is still starting: routes answer 503 until then. */
  backend: () => HttpBackend | null;
  log: Logger;
  /** Bearer token every route but ping requires; none: open. */
  token?: string;
}

/** Larger than NATS's 8 MB max_payload in nats.conf could carry anyway. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

const fail = (c: Context, code: number, message: string) => c.json({ error: { code, message } } satisfies ErrorBody, code as ContentfulStatusCode);

export function createHttpApp(o: HttpAppOptions): Hono {
  const app = new Hono();
  if (o.token) app.use('/api/*', bearerAuth(o.token, [PING_PATH]));
  app.use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => fail(c, 413, `request body larger than ${MAX_BODY_BYTES} bytes`) }));

  // Handler maps are made once per backend (the backend is fixed once set).
  let handlers: { backend: HttpBackend; of: Record<OpRef, Handler> } | null = null;
  const handlerOf = (b: HttpBackend, op: OpRef): Handler => {
    if (handlers?.backend !== b) {
      const jobs = Object.entries(jobHandlers(b.api)).map(([k, h]) => [`jobs.${k}`, h]);
      const queries = Object.entries(queryHandlers(b.queries)).map(([k, h]) => [`queries.${k}`, h]);
      handlers = { backend: b, of: Object.fromEntries([...jobs, ...queries]) as Record<OpRef, Handler> };
    }
    return handlers.of[op];
  };

  app.get(PING_PATH, (c) => {
    const body: PingResponse = { status: o.backend() ? 'ok' : 'starting', service: 'rivulet', version: SERVICE_VERSION };
    return c.json(body, body.status === 'ok' ? 200 : 503);
  });
  let doc: unknown = null;
  app.get(OPENAPI_PATH, (c) => c.json((doc ??= openApiDocument())));

  for (const route of HTTP_ROUTES) {
    app.on(route.method.toUpperCase(), honoPath(route.path), async (c) => {
      const b = o.backend();
      if (!b) return fail(c, 503, 'the controller is starting; retry shortly');
      const json = route.input === 'body' ? parseJsonObject(new Uint8Array(await c.req.arrayBuffer())) : {};
      const result = await handlerOf(b, route.op)(requestBody(route, c.req.param() as Record<string, string>, c.req.query(), json));
      if (route.sse) return outputStream(c, result as JobOutput, { nc: b.nc, api: b.api, log: o.log });
      return c.json(result, route.status);
    });
  }

  // A known path with another method: 405 with the methods it has (registered last, so the
  // routes above match first).
  const methods = new Map<string, string[]>([[PING_PATH, ['GET']], [OPENAPI_PATH, ['GET']]]);
  for (const r of HTTP_ROUTES) methods.set(honoPath(r.path), [...(methods.get(honoPath(r.path)) ?? []), r.method.toUpperCase()]);
  for (const [path, allowed] of methods) {
    app.all(path, (c) => {
      c.header('Allow', allowed.join(', '));
      return fail(c, 405, `${c.req.method} is not allowed on ${c.req.path} (allowed: ${allowed.join(', ')})`);
    });
  }

  app.notFound((c) => fail(c, 404, `no route ${c.req.method} ${c.req.path} (see ${OPENAPI_PATH})`));
  app.onError((err, c) => {
    const { code, body } = errorBody(err);
    if (code >= 500) o.log.error({ err, method: c.req.method, path: c.req.path }, 'http request failed');
    return c.json(body, code as ContentfulStatusCode);
  });
  return app;
}
