// Opens the NATS connections every Rivulet process uses: never gives up reconnecting once
// connected, but fails loudly when the first connection cannot be made.

import type { NatsConnection } from '@nats-io/nats-core';
import { connect, type NodeConnectionOptions } from '@nats-io/transport-node';
import { ExternalError } from '../errors.js';

export type ConnectNatsOptions = Omit<NodeConnectionOptions, 'servers' | 'name'>;

/**
 * Connects to `url` (one URL or a comma-separated list; `nats://user:pass@host:port` and
 * `nats://token@host:port` credentials are honoured, which nats.js itself ignores). `name` shows
 * up in the server's connection list. `opts` override the defaults below.
 */
export async function connectNats(url: string, name: string, opts: ConnectNatsOptions = {}): Promise<NatsConnection> {
  const { servers, auth } = parseNatsUrl(url);
  try {
    return await connect({
      // A broker restart must not kill workers: retry forever, quickly, once we were connected.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      // A local broker answers in milliseconds; the 20 s default only delays a clear error.
      timeout: 5_000,
      ...auth,
      ...opts,
      servers,
      name,
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ExternalError(
      `cannot connect to NATS at ${redactUrl(url)}: ${reason}. Is nats-server running there? ` +
        'Pass another URL with --nats <url> or RIVULET_NATS_URL.',
      { cause: err, retryable: true },
    );
  }
}

interface ParsedUrl {
  servers: string[];
  auth: { user?: string; pass?: string; token?: string };
}

/** Splits a server list and moves URL credentials into connect options. */
export function parseNatsUrl(url: string): ParsedUrl {
  const auth: ParsedUrl['auth'] = {};
  const servers = url
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((server) => {
      if (!server.includes('@')) return server;
      const parsed = new URL(server.includes('://') ? server : `nats://${server}`);
      const user = decodeURIComponent(parsed.username);
      const pass = decodeURIComponent(parsed.password);
      if (user !== '' && pass !== '') Object.assign(auth, { user, pass });
      else if (user !== '') auth.token = user;
      parsed.username = '';
      parsed.password = '';
      return parsed.toString().replace(/\/$/, '');
    });
  if (servers.length === 0) {
    throw new ExternalError(`no NATS server in URL "${url}"`, { retryable: false });
  }
  return { servers, auth };
}

/** The URL with any password masked, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/g, '//$1:***@');
}
