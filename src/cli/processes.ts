// `rivulet server`, `rivulet controller`, `rivulet worker`: the long-running processes.

import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
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
    },
  });
  const log = createLogger('rivulet');
  const maxRunningJobs = intOption(values['max-running-jobs'], 'max-running-jobs', 1, 1_000_000);
  const stack = await startStack({
    ...(natsUrlOf(values.nats) ? { natsUrl: natsUrlOf(values.nats)! } : {}),
    stateDir: path.resolve(values['state-dir'] ?? '.rivulet'),
    workers: intOption(values.workers, 'workers', 1, 256) ?? availableParallelism(),
    slots: intOption(values.slots, 'slots', 1, 1024) ?? 8,
    prefix: prefixOf(values.prefix),
    log,
    ...(maxRunningJobs !== undefined ? { maxRunningJobs } : {}),
  });
  log.info({ nats: stack.natsUrl, workers: stack.workers.length }, 'rivulet server ready');
  const stop = untilSignal();
  await stop.promise;
  log.info('shutting down');
  await stack.stop();
  stop.dispose();
}

export async function controllerCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { nats: { type: 'string' }, prefix: { type: 'string' }, 'max-running-jobs': { type: 'string' } } });
  const log = createLogger('rivulet-controller');
  const maxRunningJobs = intOption(values['max-running-jobs'], 'max-running-jobs', 1, 1_000_000);
  const nc = await connectNats(natsUrlOf(values.nats) ?? DEFAULT_NATS_URL, 'rivulet-controller');
  const controller = await startController({ nc, prefix: prefixOf(values.prefix), log, ...(maxRunningJobs !== undefined ? { maxRunningJobs } : {}) });
  log.info('controller ready');
  const stop = untilSignal();
  await stop.promise;
  await controller.stop();
  await nc.drain();
  stop.dispose();
}

export async function workerCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { nats: { type: 'string' }, prefix: { type: 'string' }, slots: { type: 'string' } },
  });
  const log = createLogger('rivulet-worker');
  const worker = await startWorker({
    natsUrl: natsUrlOf(values.nats) ?? DEFAULT_NATS_URL,
    prefix: prefixOf(values.prefix),
    slots: intOption(values.slots, 'slots', 1, 1024) ?? 8,
    log,
  });
  const stop = untilSignal();
  // Started by a parent with an IPC channel (the embedded stack): go when the parent goes.
  if (process.send) process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  await stop.promise;
  await worker.stop();
  stop.dispose();
}
