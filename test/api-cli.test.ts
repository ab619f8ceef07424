// The control commands of the CLI (`jobs stop|resume|cancel|restart`, `savepoints …`,
// `checkpoints …`) run in-process against the API service on the real test NATS server, in front
// of a recording stand-in for the controller: arguments become the right requests, replies are
// printed as JSON, API errors surface as ApiError and bad arguments as usage errors.

import type { Service } from '@nats-io/services';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api/client.js';
import { startApiService, type JobApi } from '../src/api/service.js';
import { checkpointsCommand } from '../src/cli/checkpoints.js';
import { jobsCommand } from '../src/cli/jobs.js';
import { UsageError } from '../src/cli/options.js';
import { savepointsCommand } from '../src/cli/savepoints.js';
import { NotFoundError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { getTestNatsUrl, uniqueName, useTestNats } from './helpers/nats.js';

const t = useTestNats('api-cli');
const prefix = uniqueName('apicli');
const calls: unknown[][] = [];

/** Every method records its arguments and echoes them back; `job-missing` is a 404. */
const api = new Proxy({} as JobApi, {
  get: (_t, method: string) => (...args: unknown[]) => {
    calls.push([method, ...args]);
    if (args[0] === 'job-missing') throw new NotFoundError('job job-missing not found');
    return { method, args };
  },
});

let svc: Service;
let out: string;

beforeAll(async () => {
  svc = await startApiService(t.nc, prefix, api, createLogger('api-cli-test', { level: 'silent', pretty: false }));
});
afterAll(async () => {
  await svc?.stop();
});
beforeEach(() => {
  calls.length = 0;
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  return () => vi.restoreAllMocks();
});

const conn = () => ['--nats', getTestNatsUrl(), '--prefix', prefix];

describe('commands send the right requests and print the reply', () => {
  it.each([
    [jobsCommand, ['stop', 'job-1'], ['stop', 'job-1', 'checkpoint']],
    [jobsCommand, ['stop', 'job-1', '--mode', 'graceful'], ['stop', 'job-1', 'graceful']],
    [jobsCommand, ['resume', 'job-1'], ['resume', 'job-1']],
    [jobsCommand, ['cancel', 'job-1'], ['cancel', 'job-1', false]],
    [jobsCommand, ['cancel', 'job-1', '--savepoint'], ['cancel', 'job-1', true]],
    [jobsCommand, ['restart', 'job-1'], ['restart', { job_id: 'job-1' }]],
    [
      jobsCommand,
      ['restart', 'job-1', '--savepoint', 'sp-9', '--parallelism', '4'],
      ['restart', { job_id: 'job-1', savepoint_id: 'sp-9', config_overrides: { parallelism: 4 } }],
    ],
    [savepointsCommand, ['create', 'job-1', '--description', 'pre-upgrade'], ['savepoint', 'job-1', 'pre-upgrade']],
    [savepointsCommand, ['create', 'job-1'], ['savepoint', 'job-1', null]],
    [savepointsCommand, ['list', 'job-1'], ['savepoints', 'job-1']],
    [savepointsCommand, ['delete', 'job-1', 'sp-9'], ['deleteSavepoint', 'job-1', 'sp-9']],
    [checkpointsCommand, ['list', 'job-1'], ['checkpoints', 'job-1']],
    [checkpointsCommand, ['get', 'job-1', '7'], ['checkpointDetails', 'job-1', 7]],
  ] as const)('%#: %o', async (command, argv, call) => {
    await command([...argv, ...conn()]);
    expect(calls).toEqual([call]);
    const [method, ...args] = call;
    expect(JSON.parse(out)).toEqual({ method, args });
  });

  it('options may come before the positional arguments', async () => {
    await jobsCommand(['stop', ...conn(), '--mode', 'force', 'job-2']);
    expect(calls).toEqual([['stop', 'job-2', 'force']]);
  });

  it('an API error is an ApiError with its code', async () => {
    await expect(jobsCommand(['resume', 'job-missing', ...conn()])).rejects.toSatisfy((e) => e instanceof ApiError && e.code === 404);
  });
});

describe('bad arguments are usage errors, found before connecting', () => {
  // Nothing listens here: a command that tried to connect would fail with a connection error.
  const nowhere = ['--nats', 'nats://127.0.0.1:1', '--prefix', prefix];

  it.each([
    [jobsCommand, ['stop', 'job-1', '--mode', 'pause']],
    [jobsCommand, ['restart', 'job-1', '--parallelism', '0']],
    [jobsCommand, ['restart', 'job-1', '--parallelism', '257']],
    [jobsCommand, ['resume']],
    [jobsCommand, ['resume', 'job-1', 'job-2']],
    [jobsCommand, ['pause', 'job-1']],
    [jobsCommand, []],
    [savepointsCommand, ['delete', 'job-1']],
    [checkpointsCommand, ['get', 'job-1', '0']],
    [checkpointsCommand, ['get', 'job-1', '1.5']],
  ] as const)('%#: %o', async (command, argv) => {
    await expect(command([...argv, ...nowhere])).rejects.toBeInstanceOf(UsageError);
    expect(calls).toEqual([]);
  });

  it('an option of another subcommand, or a missing option value, is a parseArgs error', async () => {
    await expect(jobsCommand(['cancel', 'job-1', '--mode', 'force', ...nowhere])).rejects.toMatchObject({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
    await expect(jobsCommand(['restart', 'job-1', '--savepoint'])).rejects.toMatchObject({
      code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
    });
  });
});
