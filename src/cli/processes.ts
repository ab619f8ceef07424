// `rivulet server`, `rivulet controller`, `rivulet worker`: the long-running processes.

import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_HTTP_PORT } from '../api/http/server.js';
import { startController } from '../controller/controller.js';
import { createLogger } from '../log.js';
import { connectNats } from '../nats/connect.js';
import { startStack } from '../stack.js';
import { startWorker } from '../worker/worker.js';
import { DEFAULT_NATS_URL, intOption, natsUrlOf, prefixOf, untilSignal } from './options.js';

export async function serverCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      nats: { type: 'string' },
      workers: { type: 'string' },
      slots: { type: 'string' },
      'state-dir': { type: 'string' },
      prefix: { type: 'string' },
      'max-running-jobs': { type: 'string' },
      'http-port': { type: 'string' },
      'http-host': { type: 'string' },
    },
  });
  const log = createLogger('rivulet');
  const maxRunningJobs = intOption(values['max-running-jobs'], 'max-running-jobs', 1, 1_000_000);
  const http = httpOptions(values['http-port'], values['http-host']);
  const stack = await startStack({
    ...(natsUrlOf(values.nats) ? { natsUrl: natsUrlOf(values.nats)! } : {}),
    stateDir: path.resolve(values['state-dir'] ?? '.rivulet'),
    workers: intOption(values.workers, 'workers', 1, 256) ?? availableParallelism(),
    slots: intOption(values.slots, 'slots', 1, 1024) ?? 8,
    prefix: prefixOf(values.prefix),
    log,
    ...(maxRunningJobs !== undefined ? { maxRunningJobs } : {}),
    ...http,
  });
  log.info({ nats: stack.natsUrl, workers: stack.workers.length, http: stack.controller.http?.url ?? 'off' }, 'rivulet server ready');
  const stop = untilSignal();
  await stop.promise;
  log.info('shutting down');
  await stack.stop();
  stop.dispose();
}

export async function controllerCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { nats: { type: 'string' }, prefix: { type: 'string' }, 'max-running-jobs': { type: 'string' }, 'http-port': { type: 'string' }, 'http-host': { type: 'string' } },
  });
  const log = createLogger('rivulet-controller');
  const maxRunningJobs = intOption(values['max-running-jobs'], 'max-running-jobs', 1, 1_000_000);
  const http = httpOptions(values['http-port'], values['http-host']);
  const nc = await connectNats(natsUrlOf(values.nats) ?? DEFAULT_NATS_URL, 'rivulet-controller');
  const controller = await startController({
    nc,
    prefix: prefixOf(values.prefix),
    log,
    ...(maxRunningJobs !== undefined ? { maxRunningJobs } : {}),
    ...http,
  });
  log.info({ http: controller.http?.url ?? 'off' }, 'controller ready');
  const stop = untilSignal();
  await stop.promise;
  await controller.stop();
  await nc.drain();
  stop.dispose();
}

/** `--http-port N` (default 8000; `off` or -1: no HTTP API), `--http-host`, RIVULET_API_TOKEN. */
function httpOptions(port: string | undefined, host: string | undefined): { httpPort: number; httpHost?: string; apiToken?: string } {
  const httpPort = port === 'off' ? -1 : (intOption(port, 'http-port', -1, 65535) ?? DEFAULT_HTTP_PORT);
  const apiToken = process.env.RIVULET_API_TOKEN;
  return { httpPort, ...(host ? { httpHost: host } : {}), ...(apiToken ? { apiToken } : {}) };
}

export async function workerCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { nats: { type: 'string' }, prefix: { type: 'string' }, slots: { type: 'string' } },
  });
  const log = createLogger('rivulet-worker');
  const stop = untilSignal();
  // Started by a parent with an IPC channel (the embedded stack): go when the parent goes. Set up
  // before connecting, so a parent gone while we still connect is not missed; and if stopping
  // hangs (its NATS server went with the parent), exit anyway.
  if (process.send) {
    const leave = () => {
      setTimeout(() => process.exit(0), 10_000).unref();
      process.kill(process.pid, 'SIGTERM');
    };
    if (!process.connected) leave();
    else process.once('disconnect', leave);
  }
  const started = startWorker({
    natsUrl: natsUrlOf(values.nats) ?? DEFAULT_NATS_URL,
    prefix: prefixOf(values.prefix),
    slots: intOption(values.slots, 'slots', 1, 1024) ?? 8,
    log,
  });
  const worker = await Promise.race([started, stop.promise.then(() => null)]);
  if (worker === null) process.exit(0);
  await stop.promise;
  await worker.stop();
  stop.dispose();
}
