// Starts a Rivulet stack (in-process controller + real worker processes) on the shared test NATS
// under a prefix of its own, so test files run in parallel without seeing each other's jobs.

import { afterAll, beforeAll } from 'vitest';
import { RivuletClient } from '../../src/api/client.js';
import { createLogger } from '../../src/log.js';
import { startStack, type Stack, type StackOptions } from '../../src/stack.js';
import { getTestNatsUrl, uniqueName } from './nats.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestStack {
  readonly stack: Stack;
  readonly client: RivuletClient;
  readonly prefix: string;
}

export function useTestStack(opts: { workers: number; heartbeatTimeoutMs?: number } & Pick<StackOptions, 'maxRunningJobs' | 'previewTtlMs' | 'httpPort' | 'apiToken'>): TestStack {
  const prefix = uniqueName('rvt');
  let stack: Stack | undefined;
  let client: RivuletClient | undefined;
  let stateDir = '';
  beforeAll(async () => {
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'rivulet-test-'));
    stack = await startStack({
      natsUrl: getTestNatsUrl(),
      stateDir,
      workers: opts.workers,
      prefix,
      log: createLogger('rivulet-test', { level: process.env.RIVULET_LOG_LEVEL ?? 'warn', pretty: false }),
      workerStdout: 'pipe',
      ...(opts.heartbeatTimeoutMs ? { heartbeatTimeoutMs: opts.heartbeatTimeoutMs } : {}),
      ...(opts.maxRunningJobs !== undefined ? { maxRunningJobs: opts.maxRunningJobs } : {}),
      ...(opts.previewTtlMs !== undefined ? { previewTtlMs: opts.previewTtlMs } : {}),
      // No HTTP server unless asked (then port 0): test files run in parallel.
      ...(opts.httpPort !== undefined ? { httpPort: opts.httpPort } : {}),
      ...(opts.apiToken ? { apiToken: opts.apiToken } : {}),
    });
    client = new RivuletClient(stack.nc, prefix);
  });
  afterAll(async () => {
    await stack?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });
  return {
    get stack() {
      if (!stack) throw new Error('stack not started yet');
      return stack;
    },
    get client() {
      if (!client) throw new Error('stack not started yet');
      return client;
    },
    prefix,
  };
}
