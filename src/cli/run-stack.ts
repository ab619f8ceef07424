// The embedded stack `rivulet run` owns: nats-server with its store in the state directory
// (unless --nats), the controller in this process and worker processes whose stdout is ours, so
// the `stdout` sink prints here. Logs go to stderr; stdout carries only records.

import path from 'node:path';
import { createLogger } from '../log.js';
import { startStack, type Stack } from '../stack.js';

export interface RunStackOptions {
  natsUrl: string | undefined;
  prefix: string;
  stateDir: string;
  workers: number;
}

export function startRunStack(o: RunStackOptions): Promise<Stack> {
  const log = createLogger('rivulet', { level: process.env.RIVULET_LOG_LEVEL ?? 'warn' });
  return startStack({
    ...(o.natsUrl ? { natsUrl: o.natsUrl } : {}),
    stateDir: path.resolve(o.stateDir),
    workers: o.workers,
    prefix: o.prefix,
    log,
    workerStdout: 'inherit',
  });
}
