// `rivulet demo` (npm run demo): the embedded stack runs the fraud pipeline of examples/fraud.json
// at parallelism 2 across two worker processes, with a key_by shuffle over JetStream. The demo
// publishes transactions to its input subject, prints what arrives on the output subject and the
// job's metrics, then cancels the job and stops everything by itself (Ctrl-C stops it sooner).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RivuletClient } from '../api/client.js';
import { createLogger } from '../log.js';
import { PACKAGE_ROOT } from '../paths.js';
import { startStack } from '../stack.js';
import type { JobSpec } from '../types.js';
import { intOption, untilSignal } from './options.js';
import { followOutput } from './output.js';

const USERS = ['ada', 'bob', 'cy', 'dee', 'eve', 'fay'];

export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { seconds: { type: 'string' }, rate: { type: 'string' } } });
  const seconds = intOption(values.seconds, 'seconds', 1, 3600) ?? 10;
  const rate = intOption(values.rate, 'rate', 1, 1_000_000) ?? 2000;
  const log = createLogger('rivulet', { level: process.env.RIVULET_LOG_LEVEL ?? 'warn' });
  const stateDir = mkdtempSync(path.join(tmpdir(), 'rivulet-demo-'));
  const prefix = 'rivulet';
  const spec = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'examples', 'fraud.json'), 'utf8')) as JobSpec;
  const input = (spec.sources[0]!.config as { subject: string }).subject;
  const output = (spec.sinks[0]!.config as { subject: string }).subject;

  say(`starting nats-server, a controller and 2 worker processes (state in ${stateDir})`);
  const stack = await startStack({ stateDir, workers: 2, prefix, log });
  const stop = untilSignal();
  try {
    const client = new RivuletClient(stack.nc, prefix);
    const job = await client.submit(spec);
    say(`submitted ${job.job_id} ("${spec.name}"): filter amount > 10000, key_by user, project doubled`);
    const running = await client.waitForState(job.job_id, ['Running']);
    say(`job is ${running.state} with ${running.tasks.length} tasks: ${running.tasks.map((t) => `${t.task_id} [${t.name}] x${t.parallelism}`).join(', ')}`);
    say(`publishing ~${rate} transactions/s to "${input}" for ${seconds}s; records on "${output}":`);

    let shown = 0;
    let received = 0;
    const unfollow = followOutput(stack.nc, [output], (_s, text) => {
      received++;
      if (shown < 12 || received % 500 === 0) {
        shown++;
        process.stdout.write(`  ${output} ← ${text}\n`);
      }
    });
    let id = 0;
    const publisher = setInterval(() => {
      for (let i = 0; i < rate / 20; i++, id++) {
        const amount = Math.round(((id * 7919) % 20000) + (id % 13) * 0.5);
        stack.nc.publish(input, JSON.stringify({ id, amount, user: USERS[id % USERS.length] }));
      }
    }, 50);
    const status = setInterval(() => {
      void client.get(job.job_id).then((j) =>
        say(`status ${j.status}/${j.state}: ${j.metrics.events_processed} events in, ${j.metrics.events_emitted} out, ${j.metrics.throughput_per_sec}/s`),
      );
    }, 2000);
    await Promise.race([new Promise((r) => setTimeout(r, seconds * 1000)), stop.promise]);
    clearInterval(publisher);
    clearInterval(status);
    await new Promise((r) => setTimeout(r, 300));
    unfollow();
    const before = await client.get(job.job_id);
    if (['Finished', 'Failed', 'Stopped'].includes(before.state)) {
      say(`job ended ${before.state} before the demo did${before.failure_message ? `: ${before.failure_message}` : ''}`);
    } else {
      const cancelled = await client.cancel(job.job_id);
      say(`job ${cancelled.status} at ${cancelled.cancelled_at}`);
    }
    const final = await client.get(job.job_id);
    say(`published ${id} transactions, received ${received} records on ${output}`);
    say(`final metrics: ${JSON.stringify(final.metrics)}`);
  } finally {
    stop.dispose();
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
    say('stopped nats-server and workers; bye');
  }
}

function say(line: string): void {
  process.stderr.write(`[demo] ${line}\n`);
}
