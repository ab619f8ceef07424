// Vitest global setup: one NATS server (JetStream on) for the whole run. Order of preference:
// NATS_URL, a testcontainers NATS container when a container runtime answers, else an embedded
// nats-server on a free port with a throwaway store directory.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startEmbeddedNats } from '../src/nats/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
  }
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONTAINER_IMAGE = process.env.RIVULET_TEST_NATS_IMAGE ?? 'nats:2.10-alpine';

interface RunningNats {
  url: string;
  what: string;
  stop(): Promise<void>;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const nats = (await fromEnv()) ?? (await tryContainer()) ?? (await embedded());
  project.provide('natsUrl', nats.url);
  // Processes the tests spawn (workers, the CLI) find the server through the environment.
  const before = process.env.NATS_URL;
  process.env.NATS_URL = nats.url;
  console.log(`[test setup] NATS: ${nats.what}`);
  return async () => {
    // A restarted run (watch mode) must not pick up the URL of the server stopped here.
    if (before === undefined) delete process.env.NATS_URL;
    else process.env.NATS_URL = before;
    await nats.stop();
  };
}

async function fromEnv(): Promise<RunningNats | null> {
  const url = process.env.NATS_URL;
  if (!url) return null;
  return { url, what: `NATS_URL ${url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@')}`, stop: async () => {} };
}

/** Only when a container runtime answers; without one testcontainers fails in milliseconds. */
async function tryContainer(): Promise<RunningNats | null> {
  if (process.env.RIVULET_TEST_CONTAINERS === '0') return null;
  let tc: typeof import('testcontainers');
  try {
    tc = await import('testcontainers');
    await tc.getContainerRuntimeClient();
  } catch {
    return null; // "Could not find a working container runtime strategy"
  }
  try {
    const { NatsContainer } = await import('@testcontainers/nats');
    const started = await new NatsContainer(CONTAINER_IMAGE)
      .withJetStream()
      .withCopyFilesToContainer([{ source: path.join(ROOT, 'nats.conf'), target: '/etc/rivulet/nats.conf' }])
      .withArg('-c', '/etc/rivulet/nats.conf')
      // nats.conf listens on 127.0.0.1, which a port mapping cannot reach.
      .withArg('-a', '0.0.0.0')
      .withArg('-sd', '/data')
      .start();
    const { user, pass } = started.getConnectionOptions();
    const auth = user !== undefined && pass !== undefined ? `${user}:${pass}@` : '';
    const url = `nats://${auth}${started.getHost()}:${started.getMappedPort(4222)}`;
    return { url, what: `container ${CONTAINER_IMAGE}`, stop: async () => void (await started.stop()) };
  } catch (err) {
    console.warn(`[test setup] NATS container failed, using an embedded nats-server: ${(err as Error).message}`);
    return null;
  }
}

async function embedded(): Promise<RunningNats> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'rivulet-test-nats-'));
  try {
    const server = await startEmbeddedNats({ stateDir });
    return {
      url: server.url,
      what: `embedded nats-server at ${server.url} (pid ${server.process.pid})`,
      stop: async () => {
        await server.stop();
        rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
}
