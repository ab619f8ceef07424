// The one way integration tests reach NATS: the server test/global-setup.ts started (or
// NATS_URL), names that cannot collide between test files running in parallel, and connections
// that are closed when the file ends.

import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, inject } from 'vitest';
import { connectNats } from '../../src/nats/connect.js';

/** URL of the shared test server: provided by the global setup, else NATS_URL. */
export function getTestNatsUrl(): string {
  const url = inject('natsUrl') ?? process.env.NATS_URL;
  if (!url) throw new Error('no NATS server for tests: run them with vitest (test/global-setup.ts) or set NATS_URL');
  return url;
}

let counter = 0;

/**
 * A name unique to this test process and call, usable as a stream/consumer name and as a subject
 * token (letters, digits, `_`, `-` only).
 */
export function uniqueName(prefix: string): string {
  const clean = prefix.replace(/[^A-Za-z0-9_-]/g, '_');
  const rand = Math.random().toString(36).slice(2, 8);
  return `${clean}_${process.pid}_${++counter}_${rand}`;
}

/** A new connection to the test server; the caller closes it (e.g. `afterAll(() => nc.close())`). */
export function connectTest(name = 'test'): Promise<NatsConnection> {
  return connectNats(getTestNatsUrl(), `rivulet-${name}`);
}

/**
 * Registers beforeAll/afterAll in the calling file: one connection and JetStream manager for the
 * file, closed after its last test. Read `nc`/`jsm` inside tests or hooks, not at import time.
 */
export function useTestNats(name = 'test'): { readonly nc: NatsConnection; readonly jsm: JetStreamManager } {
  let nc: NatsConnection | undefined;
  let jsm: JetStreamManager | undefined;
  beforeAll(async () => {
    nc = await connectTest(name);
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    await nc?.close();
  });
  return {
    get nc() {
      if (!nc) throw new Error('useTestNats: connection not open yet (use it inside a test or hook)');
      return nc;
    },
    get jsm() {
      if (!jsm) throw new Error('useTestNats: connection not open yet (use it inside a test or hook)');
      return jsm;
    },
  };
}
