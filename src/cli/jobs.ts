// Client commands over the request-reply API: `jobs list|get|cancel`, `submit`, `tail`.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RivuletClient } from '../api/client.js';
import { connectNats } from '../nats/connect.js';
import { subjects } from '../wire.js';
import { DEFAULT_NATS_URL, intOption, natsUrlOf, prefixOf, UsageError, untilSignal } from './options.js';

const common = { nats: { type: 'string' }, prefix: { type: 'string' } } as const;

async function withClient<T>(values: { nats?: string | undefined; prefix?: string | undefined }, fn: (c: RivuletClient) => Promise<T>): Promise<T> {
  const nc = await connectNats(natsUrlOf(values.nats) ?? DEFAULT_NATS_URL, 'rivulet-cli', { maxReconnectAttempts: 0 });
  try {
    return await fn(new RivuletClient(nc, prefixOf(values.prefix)));
  } finally {
    await nc.close();
  }
}

const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);

export async function jobsCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...common, status: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' } },
  });
  const [sub, id] = positionals;
  if (sub === 'list') {
    const limit = intOption(values.limit, 'limit', 1, 1000);
    const offset = intOption(values.offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const res = await withClient(values, (c) =>
      c.list({ ...(values.status ? { status: values.status as never } : {}), ...(limit ? { limit } : {}), ...(offset ? { offset } : {}) }),
    );
    print(res);
    return;
  }
  if ((sub === 'get' || sub === 'cancel') && id) {
    print(await withClient<unknown>(values, (c) => (sub === 'get' ? c.get(id) : c.cancel(id))));
    return;
  }
  throw new UsageError('usage: rivulet jobs list [--status S] [--limit N] [--offset N] | jobs get <job_id> | jobs cancel <job_id>');
}

export function readSpecFile(file: string | undefined): unknown {
  if (!file) throw new UsageError('a job spec file is required (JSON, seed-001 shape)');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

export async function submitCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: common });
  const spec = readSpecFile(positionals[0]);
  print(await withClient(values, (c) => c.submit(spec)));
}

/** Prints what a job publishes on its preview subject (or `--subject`) until Ctrl-C. */
export async function tailCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...common, subject: { type: 'string' } } });
  const jobId = positionals[0];
  if (!jobId && !values.subject) throw new UsageError('usage: rivulet tail <job_id> [--subject S]');
  const nc = await connectNats(natsUrlOf(values.nats) ?? DEFAULT_NATS_URL, 'rivulet-tail');
  const subject = values.subject ?? subjects(prefixOf(values.prefix)).output(jobId!);
  process.stderr.write(`tailing ${subject} (Ctrl-C to stop)\n`);
  const sub = nc.subscribe(subject, { callback: (_e, msg) => void process.stdout.write(`${msg.string()}\n`) });
  const stop = untilSignal();
  await stop.promise;
  sub.unsubscribe();
  await nc.close();
  stop.dispose();
}
