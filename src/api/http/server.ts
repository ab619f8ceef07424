// The controller's HTTP server (`--http-port`, default 8000 for `rivulet server|controller`). It
// binds before the controller adopts its jobs, so a port in use fails the start early; routes
// answer 503 until `attach` hands it the controller's API.

import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ExternalError } from '../../errors.js';
import { createHttpApp, type HttpBackend } from './app.js';

export const DEFAULT_HTTP_PORT = 8000;
/** Loopback, like the embedded nats-server: exposing the API is a choice (`--http-host 0.0.0.0`). */
export const DEFAULT_HTTP_HOST = '127.0.0.1';

export interface HttpServerOptions {
  /** 0: any free port (see `port` of the result). */
  port: number;
  host?: string;
  /** Bearer token every route but ping requires (RIVULET_API_TOKEN). */
  token?: string;
  log: Logger;
}

export interface HttpServer {
  url: string;
  port: number;
  attach(backend: HttpBackend): void;
  close(): Promise<void>;
}

export async function startHttpServer(o: HttpServerOptions): Promise<HttpServer> {
  let backend: HttpBackend | null = null;
  const app = createHttpApp({ backend: () => backend, log: o.log, ...(o.token ? { token: o.token } : {}) });
  const host = o.host ?? DEFAULT_HTTP_HOST;
  const server = serve({ fetch: app.fetch, port: o.port, hostname: host }) as Server;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new ExternalError(`HTTP API cannot listen on ${host}:${o.port}: ${err.message} (pick another --http-port, or "off")`, { cause: err, retryable: false }));
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => o.log.error({ err }, 'http server error'));
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (!o.token && !['127.0.0.1', '::1', 'localhost'].includes(host)) o.log.warn({ url }, 'HTTP API reachable from the network without a token: set RIVULET_API_TOKEN');
  return {
    url,
    port,
    attach(b) {
      backend = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Open streams (SSE, keep-alive) would hold close() back.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
