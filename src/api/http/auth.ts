// Bearer-token auth of the HTTP API (RIVULET_API_TOKEN). Without a token configured the API is
// open, like the NATS subjects (whose access NATS itself controls).

import type { MiddlewareHandler } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ErrorBody } from '../../wire.js';

/** Digests are compared, so neither the token's length nor its characters leak through timing. */
const digest = (s: string) => createHash('sha256').update(s).digest();

/** 401 unless `Authorization: Bearer <token>`; `open` paths (ping) pass without it. */
export function bearerAuth(token: string, open: readonly string[]): MiddlewareHandler {
  const expected = digest(token);
  return async (c, next) => {
    if (open.includes(c.req.path)) return next();
    const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (m && timingSafeEqual(expected, digest(m[1]!))) return next();
    const body: ErrorBody = { error: { code: 401, message: m ? 'invalid API token' : 'missing API token: send Authorization: Bearer <token> (RIVULET_API_TOKEN)' } };
    c.header('WWW-Authenticate', m ? 'Bearer realm="rivulet", error="invalid_token"' : 'Bearer realm="rivulet"');
    return c.json(body, 401);
  };
}
