// Client commands over the request-reply API: `jobs list|get|cancel|stop|resume|restart`,
// `submit`, `tail`.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MAX_PARALLELISM, STOP_MODES } from '../api/requests.js';
import { connectNats } from '../nats/connect.js';
import { subjects, type JobStatus, type JobStopMode } from '../wire.js';
import { DEFAULT_NATS_URL, intOption, natsUrlOf, prefixOf, UsageError, untilSignal } from './options.js';
import { commandGroup, common, print, str, withClient } from './subcommands.js';

function stopMode(value: string | undefined): JobStopMode | undefined {
  if (value !== undefined && !STOP_MODES.includes(value as JobStopMode)) {
    throw new UsageError(`--mode must be one of ${STOP_MODES.join(', ')}, got "${value}"`);
  }
  return value as JobStopMode | undefined;
}

export const jobsCommand = commandGroup({
  list: {
    usage: 'jobs list [--status S] [--limit N] [--offset N | --starting-after JOB_ID]',
    args: 0,
    options: { status: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' }, 'starting-after': { type: 'string' } },
    request: (_args, v) => {
      const status = str(v, 'status') as JobStatus | undefined;
      const limit = intOption(str(v, 'limit'), 'limit', 1, 1000);
      const offset = intOption(str(v, 'offset'), 'offset', 0, Number.MAX_SAFE_INTEGER);
      const after = str(v, 'starting-after');
      return (c) => c.list({ ...(status ? { status } : {}), ...(limit ? { limit } : {}), ...(offset ? { offset } : {}), ...(after ? { starting_after: after } : {}) });
    },
  },
  get: { usage: 'jobs get <job_id>', args: 1, request: ([id]) => (c) => c.get(id!) },
  output: { usage: 'jobs output <job_id>', args: 1, request: ([id]) => (c) => c.request('output', { job_id: id! }) },
  cancel: {
    usage: 'jobs cancel <job_id> [--savepoint]',
    args: 1,
    options: { savepoint: { type: 'boolean' } },
    request: ([id], v) => (c) => c.cancel(id!, v.savepoint ? { savepoint: true } : {}),
  },
  stop: {
    usage: `jobs stop <job_id> [--mode ${STOP_MODES.join('|')}]`,
    args: 1,
    options: { mode: { type: 'string' } },
    request: ([id], v) => {
      const mode = stopMode(str(v, 'mode'));
      return (c) => c.stop(id!, mode);
    },
  },
  resume: { usage: 'jobs resume <job_id>', args: 1, request: ([id]) => (c) => c.resume(id!) },
  restart: {
    usage: 'jobs restart <job_id> [--savepoint SAVEPOINT_ID] [--parallelism N]',
    args: 1,
    options: { savepoint: { type: 'string' }, parallelism: { type: 'string' } },
    request: ([id], v) => {
      const savepointId = str(v, 'savepoint');
      const parallelism = intOption(str(v, 'parallelism'), 'parallelism', 1, MAX_PARALLELISM);
      return (c) => c.restart(id!, { ...(savepointId !== undefined ? { savepointId } : {}), ...(parallelism !== undefined ? { parallelism } : {}) });
    },
  },
});

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
