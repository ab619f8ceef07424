// `rivulet run spec.json`: the embedded stack, the job submitted, its output printed until the
// job ends or Ctrl-C cancels it; then everything is stopped and nothing is left running.

import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RivuletClient } from '../api/client.js';
import { createLogger } from '../log.js';
import { startStack } from '../stack.js';
import type { JobSpec } from '../types.js';
import { readSpecFile } from './jobs.js';
import { intOption, natsUrlOf, prefixOf, untilSignal } from './options.js';
import { followOutput, outputSubjects } from './output.js';

export async function runCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      nats: { type: 'string' },
      prefix: { type: 'string' },
      workers: { type: 'string' },
      'state-dir': { type: 'string', short: 's' },
    },
  });
  const spec = readSpecFile(positionals[0]) as JobSpec;
  const log = createLogger('rivulet', { level: process.env.RIVULET_LOG_LEVEL ?? 'warn' });
  const prefix = prefixOf(values.prefix);
  const stack = await startStack({
    ...(natsUrlOf(values.nats) ? { natsUrl: natsUrlOf(values.nats)! } : {}),
    stateDir: path.resolve(values['state-dir'] ?? '.rivulet'),
    workers: intOption(values.workers, 'workers', 1, 256) ?? Math.min(2, availableParallelism()),
    prefix,
    log,
  });
  const stop = untilSignal();
  try {
    const client = new RivuletClient(stack.nc, prefix);
    const submitted = await client.submit(spec);
    const unfollow = followOutput(stack.nc, outputSubjects(spec, prefix, submitted.job_id), (_s, text) => process.stdout.write(`${text}\n`));
    const running = await client.waitForState(submitted.job_id, ['Running', 'Finishing', 'Finished']);
    process.stderr.write(`job ${running.job_id} is ${running.state}; watch: rivulet tail ${running.job_id} | inspect: nats sub '${prefix}.inspect.${running.job_id}' (Ctrl-C to cancel)\n`);
    const ended = client.waitForState(submitted.job_id, ['Finished', 'Failed', 'Stopped'], 365 * 24 * 3600_000).then((j) => `job ${j.state}`);
    const why = await Promise.race([stop.promise, ended.catch((e: Error) => e.message)]);
    if (why === 'SIGINT' || why === 'SIGTERM') {
      process.stderr.write('cancelling…\n');
      await client.cancel(submitted.job_id).catch((err) => process.stderr.write(`cancel failed: ${(err as Error).message}\n`));
    } else {
      process.stderr.write(`${why}\n`);
    }
    unfollow();
  } finally {
    stop.dispose();
    await stack.stop();
  }
}
