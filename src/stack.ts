// The embedded stack: nats-server (unless a URL is given), the controller in this process and N
// worker processes. `rivulet server`, `run`, `demo`, the tests and the benchmark all use it.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { startController, type ControllerHandle } from './controller/controller.js';
import { InternalError } from './errors.js';
import { connectNats } from './nats/connect.js';
import { startEmbeddedNats, type EmbeddedNats } from './nats/server.js';
import { CLI_ENTRY } from './paths.js';

export interface StackOptions {
  /** Use this NATS server or cluster instead of starting one. */
  natsUrl?: string;
  stateDir: string;
  workers: number;
  /** Slots per worker (subtask indexes it can host per job); default 8. */
  slots?: number;
  prefix: string;
  log: Logger;
  /** Where worker processes write their stdout (the `stdout` sink); default: inherit. */
  workerStdout?: 'inherit' | 'pipe' | 'ignore';
  /** Extra environment for worker processes. */
  workerEnv?: NodeJS.ProcessEnv;
  heartbeatTimeoutMs?: number;
  /** Controller limit on jobs not at rest (default 64). */
  maxRunningJobs?: number;
  /** How long a preview job runs before it stops itself (default 60 s). */
  previewTtlMs?: number;
  /** The controller's HTTP API: port (0: any free one; absent or negative: none), host, bearer token. */
  httpPort?: number;
  httpHost?: string;
  apiToken?: string;
}

export interface Stack {
  natsUrl: string;
  nc: NatsConnection;
  controller: ControllerHandle;
  workers: ChildProcess[];
  stop(): Promise<void>;
}

export function spawnWorker(o: { natsUrl: string; prefix: string; slots: number; stdout: 'inherit' | 'pipe' | 'ignore'; logLevel: string; env?: NodeJS.ProcessEnv }): ChildProcess {
  if (!existsSync(CLI_ENTRY)) throw new InternalError(`${CLI_ENTRY} is missing: run \`npm run build\` first`);
  // The IPC channel ties the worker's life to ours: it exits when we go, however we go. Its own
  // process group keeps a terminal's Ctrl-C away from it, so a stop can still checkpoint first.
  // RIVULET_WORKER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=prof": node flags for the workers
  // (profiling the bench); NODE_OPTIONS refuses --cpu-prof.
  const nodeArgs = (process.env.RIVULET_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return spawn(process.execPath, [...nodeArgs, CLI_ENTRY, 'worker', '--nats', o.natsUrl, '--prefix', o.prefix, '--slots', String(o.slots)], {
    detached: true,
    stdio: ['ignore', o.stdout, 'inherit', 'ipc'],
    env: { ...process.env, RIVULET_LOG_LEVEL: process.env.RIVULET_LOG_LEVEL ?? o.logLevel, ...o.env },
  });
}

export async function startStack(o: StackOptions): Promise<Stack> {
  mkdirSync(o.stateDir, { recursive: true });
  let nats: EmbeddedNats | null = null;
  let natsUrl = o.natsUrl;
  if (!natsUrl) {
    nats = await startEmbeddedNats({ stateDir: path.join(o.stateDir, 'nats'), log: o.log });
    natsUrl = nats.url;
    o.log.info({ url: natsUrl }, 'embedded nats-server started');
  }
  const nc = await connectNats(natsUrl, 'rivulet-controller');
  const controller = await startController({
    nc,
    prefix: o.prefix,
    log: o.log,
    ...(o.heartbeatTimeoutMs ? { heartbeatTimeoutMs: o.heartbeatTimeoutMs } : {}),
    ...(o.maxRunningJobs !== undefined ? { maxRunningJobs: o.maxRunningJobs } : {}),
    ...(o.previewTtlMs !== undefined ? { previewTtlMs: o.previewTtlMs } : {}),
    ...(o.httpPort !== undefined ? { httpPort: o.httpPort } : {}),
    ...(o.httpHost ? { httpHost: o.httpHost } : {}),
    ...(o.apiToken ? { apiToken: o.apiToken } : {}),
  });
  const workers: ChildProcess[] = [];
  let stopping = false; // before the spawns: a worker can exit while we still wait for the others
  for (let i = 0; i < o.workers; i++) {
    const child = spawnWorker({ natsUrl, prefix: o.prefix, slots: o.slots ?? 8, stdout: o.workerStdout ?? 'inherit', logLevel: o.log.level, ...(o.workerEnv ? { env: o.workerEnv } : {}) });
    child.on('exit', (code, signal) => {
      if (!stopping) o.log.warn({ pid: child.pid, code, signal }, 'worker process exited');
    });
    workers.push(child);
  }
  await controller.workers.waitFor(o.workers, 30_000);
  return {
    natsUrl,
    nc,
    controller,
    workers,
    async stop() {
      stopping = true;
      await controller.stop();
      await Promise.all(workers.map(stopChild));
      await nc.drain().catch(() => undefined);
      await nats?.stop();
    },
  };
}

/** SIGTERM, then SIGKILL if the worker is still there after a grace period. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
