// `rivulet run spec.json`: the embedded stack, the job submitted, its output printed until the
// job ends or Ctrl-C cancels it; then everything is stopped and nothing is left running.

import path from 'node:path';
import { RivuletClient } from '../api/client.js';
import type { JobSpec } from '../types.js';
import { readSpecFile } from './jobs.js';
import { untilSignal } from './options.js';
import { followOutput, outputSubjects } from './output.js';
import { startRunStack, type RunStackOptions } from './run-stack.js';

export async function runSpecFile(file: string, o: RunStackOptions): Promise<void> {
  const spec = readSpecFile(file) as JobSpec;
  const stack = await startRunStack({ ...o, stateDir: path.resolve(o.stateDir) });
  const stop = untilSignal();
  try {
    const client = new RivuletClient(stack.nc, o.prefix);
    const submitted = await client.submit(spec);
    const unfollow = followOutput(stack.nc, outputSubjects(spec, o.prefix, submitted.job_id), (_s, text) => process.stdout.write(`${text}\n`));
    const running = await client.waitForState(submitted.job_id, ['Running', 'Finishing', 'Finished']);
    process.stderr.write(`job ${running.job_id} is ${running.state}; watch: rivulet tail ${running.job_id} | inspect: nats sub '${o.prefix}.inspect.${running.job_id}' (Ctrl-C to cancel)\n`);
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
