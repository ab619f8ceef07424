// The controller process killed with SIGKILL mid-run (its runs are left to the workers) and
// started again: it re-adopts its jobs from the job store and recovers them from their last
// checkpoint, exactly.

import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RivuletClient } from '../src/api/client.js';
import { connectNats } from '../src/nats/connect.js';
import { CLI_ENTRY } from '../src/paths.js';
import { spawnWorker, stopChild } from '../src/stack.js';
import type { NatsConnection } from '@nats-io/nats-core';
import { aggSpec, expectExactlyOnce, matchesReference, reference, txs, type AggRow } from './helpers/aggregates.js';
import { eventually } from './helpers/collect.js';
import { getTestNatsUrl, uniqueName } from './helpers/nats.js';
import { fillStream, readStream } from './helpers/streams.js';

const prefix = uniqueName('rvc');
const children: ChildProcess[] = [];
let nc: NatsConnection;
let client: RivuletClient;

function controllerProcess(): ChildProcess {
  const child = spawn(process.execPath, [CLI_ENTRY, 'controller', '--nats', getTestNatsUrl(), '--prefix', prefix], {
    stdio: 'ignore',
    env: { ...process.env, RIVULET_LOG_LEVEL: 'warn' },
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  nc = await connectNats(getTestNatsUrl(), 'controller-restart-test');
  client = new RivuletClient(nc, prefix);
  controllerProcess();
  for (let i = 0; i < 2; i++) children.push(spawnWorker({ natsUrl: getTestNatsUrl(), prefix, slots: 8, stdout: 'ignore', logLevel: 'warn' }));
  // The API answers once the controller is up.
  await eventually(async () => (await client.list().catch(() => null)) !== null, 'the controller API');
});

afterAll(async () => {
  await Promise.all(children.map(stopChild));
  await nc.close();
});

describe('controller restart', () => {
  it('a SIGKILLed and restarted controller process re-adopts the job, which keeps its state and stays exact', async () => {
    const n = { inStream: uniqueName('IN'), inSubject: uniqueName('agg_in'), outStream: uniqueName('OUT'), outSubject: uniqueName('agg_out') };
    const a = txs(0, 2000);
    await fillStream(nc, n.inStream, n.inSubject, a);
    const { job_id } = await client.submit(aggSpec('adopt', n.inStream, n.inSubject, n.outStream, n.outSubject, 2));
    await client.waitForState(job_id, ['Running']);
    await eventually(async () => (await client.get(job_id)).metrics.checkpoint_count > 0, 'a checkpoint');

    children[0]!.kill('SIGKILL');
    await new Promise((r) => children[0]!.once('exit', r));
    const b = txs(a.length, 2000);
    await fillStream(nc, n.inStream, n.inSubject, b);
    controllerProcess();

    const ref = reference(a.concat(b));
    await eventually(async () => matchesReference(await readStream<AggRow>(nc, n.outStream), ref), 'exact output after the controller restart', 45_000);
    await new Promise((r) => setTimeout(r, 500));
    expectExactlyOnce(await readStream<AggRow>(nc, n.outStream), ref);
    const details = await client.get(job_id);
    expect(details.state).toBe('Running');
    expect(details.metrics.restarts).toBeGreaterThanOrEqual(1);
    await client.cancel(job_id);
  });
});
