// The runtime end to end against a real nats-server and real worker processes: submit over
// request-reply, records through filter/project (and a key_by shuffle), output on NATS.

import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/client.js';
import type { JobSpec } from '../src/types.js';
import { collect, eventually, previewOutputs } from './helpers/collect.js';
import { uniqueName } from './helpers/nats.js';
import { useTestStack } from './helpers/stack.js';

const t = useTestStack({ workers: 2 });

function fraudSpec(input: string, output: string, parallelism: number, keyBy: boolean): unknown {
  return {
    name: 'fraud',
    config: { parallelism, linger_ms: 2 },
    sources: [{ type: 'nats', config: { subject: input, format: 'json', schema: { fields: [{ name: 'id', type: 'int64' }, { name: 'amount', type: 'float64' }, { name: 'user', type: 'utf8' }] } } }],
    transformations: [
      { type: 'filter', config: { condition: 'amount > 10000' } },
      ...(keyBy ? [{ type: 'key_by', config: { keys: ['user'] } }] : []),
      { type: 'project', config: { expressions: ['id', 'user', 'amount * 2 AS doubled'] } },
    ],
    sinks: [{ type: 'nats', config: { subject: output, format: 'json' } }],
  };
}

const USERS = ['ann', 'ben', 'cat', 'dan', 'eli'];
/** Deterministic transactions; about half are above the threshold. */
function transactions(n: number) {
  return Array.from({ length: n }, (_, id) => ({ id, amount: ((id * 7919) % 20011) + 0.25, user: USERS[id % USERS.length]! }));
}
function expected(txs: ReturnType<typeof transactions>) {
  return txs.filter((x) => x.amount > 10000).map((x) => ({ id: x.id, user: x.user, doubled: x.amount * 2 }));
}
const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

async function runFraud(parallelism: number, keyBy: boolean) {
  const input = uniqueName('tx_in');
  const output = uniqueName('tx_big');
  const out = await collect<{ id: number; user: string; doubled: number }>(t.stack.nc, output);
  const submitted = await t.client.submit(fraudSpec(input, output, parallelism, keyBy));
  expect(submitted.status).toBe('submitted');
  expect(submitted.job_id).toMatch(/^job-/);
  await t.client.waitForState(submitted.job_id, ['Running']);
  const txs = transactions(2000);
  for (const tx of txs) t.stack.nc.publish(input, JSON.stringify(tx));
  const want = expected(txs);
  const got = await out.waitFor(want.length);
  // Give a straggler (a duplicate) a moment to show up before comparing exactly.
  await new Promise((r) => setTimeout(r, 300));
  expect([...got].sort(byId)).toEqual(want);
  out.stop();
  return submitted.job_id;
}

describe('runtime: submit → Running → filtered and projected output', () => {
  it('parallelism 1: exactly the expected records', async () => {
    const jobId = await runFraud(1, false);
    const details = await t.client.get(jobId);
    expect(details.state).toBe('Running');
    expect(details.status).toBe('running');
    expect(details.tasks.map((x) => x.name)).toEqual(['nats-source -> filter -> project -> nats-sink']);
    await t.client.cancel(jobId);
  });

  it('parallelism 2 with a key_by shuffle across two worker processes', async () => {
    const jobId = await runFraud(2, true);
    const run = t.stack.controller.runs.get(jobId)!;
    expect(run.plan.tasks).toHaveLength(2);
    expect(run.plan.edges).toEqual([expect.objectContaining({ kind: 'shuffle', keys: ['user'] })]);
    // Subtask 0 and 1 of each task sit on different worker processes.
    for (const task of run.plan.tasks) {
      const workers = run.assignments.filter((a) => a.task_id === task.task_id).map((a) => a.worker_id);
      expect(new Set(workers).size).toBe(2);
    }
    await eventually(async () => (await t.client.get(jobId)).metrics.events_processed === 2000, 'metrics to count 2000 events');
    await t.client.cancel(jobId);
  });
});

describe('runtime: JetStream source and sink', () => {
  it('replays a stream through a key_by shuffle into a stream, every record once', async () => {
    const jsm = await jetstreamManager(t.stack.nc);
    const inStream = uniqueName('IN');
    const outStream = uniqueName('OUT');
    const inSubject = uniqueName('js_in');
    const outSubject = uniqueName('js_out');
    await jsm.streams.add({ name: inStream, subjects: [inSubject] });
    const js = jsm.jetstream();
    const txs = transactions(1000);
    await Promise.all(txs.map((tx) => js.publish(inSubject, JSON.stringify(tx))));
    const spec = {
      name: 'js-copy',
      // The JetStream sink is transactional: output shows up when a checkpoint commits.
      config: { parallelism: 2, checkpoint_interval_ms: 1000 },
      sources: [{ type: 'jetstream', config: { stream: inStream, subject: inSubject, format: 'json', schema: { fields: [{ name: 'id', type: 'int64' }, { name: 'amount', type: 'float64' }, { name: 'user', type: 'utf8' }] } } }],
      transformations: [
        { type: 'filter', config: { condition: 'amount > 10000' } },
        { type: 'key_by', config: { keys: ['user'] } },
        { type: 'project', config: { expressions: ['id', 'user', 'amount * 2 AS doubled'] } },
      ],
      sinks: [{ type: 'jetstream', config: { stream: outStream, subject: outSubject, format: 'json' } }],
    };
    const { job_id } = await t.client.submit(spec);
    await t.client.waitForState(job_id, ['Running']);
    const want = expected(txs);
    await eventually(async () => (await jsm.streams.info(outStream).catch(() => null))?.state.messages === want.length, `${want.length} records in ${outStream}`);
    const got: Array<{ id: number }> = [];
    const consumer = await js.consumers.get(outStream);
    const iter = await consumer.fetch({ max_messages: want.length, expires: 5000 });
    for await (const m of iter) got.push(m.json());
    expect(got.sort(byId)).toEqual(want);
    await t.client.cancel(job_id);
    await jsm.streams.delete(inStream);
    await jsm.streams.delete(outStream);
  });
});

describe('runtime: lifecycle', () => {
  it('a bounded impulse job reaches Finished with every record delivered', async () => {
    const spec = {
      name: 'bounded',
      config: { parallelism: 2 },
      sources: [{ type: 'impulse', config: { count: 5000 } }],
      transformations: [{ type: 'filter', config: { condition: 'counter % 10 = 0' } }],
      sinks: [{ type: 'preview', config: {} }],
    };
    const outputs = await previewOutputs<{ counter: number }>(t.stack.nc, t.prefix);
    const submitted = await t.client.submit(spec);
    const done = await t.client.waitForState(submitted.job_id, ['Finished']);
    expect(done.status).toBe('finished');
    expect(done.finished_at).not.toBeNull();
    await outputs.waitFor(submitted.job_id, 500);
    await new Promise((r) => setTimeout(r, 200));
    outputs.stop();
    expect(outputs.of(submitted.job_id).map((r) => r.counter).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i * 10));
    // Metrics after finishing come from the subtasks' final reports.
    expect(done.metrics.events_processed).toBe(5000);
    await expect(t.client.cancel(submitted.job_id)).rejects.toMatchObject({ code: 409 });
  });

  it('cancel reaches cancelled and stops the output', async () => {
    const spec = { name: 'endless', sources: [{ type: 'impulse', config: { event_rate: 200 } }], transformations: [], sinks: [{ type: 'preview', config: {} }] };
    const submitted = await t.client.submit(spec);
    await t.client.waitForState(submitted.job_id, ['Running']);
    const out = await collect(t.stack.nc, `${t.prefix}.output.${submitted.job_id}`);
    await out.waitFor(5);
    const res = await t.client.cancel(submitted.job_id);
    expect(res).toMatchObject({ job_id: submitted.job_id, status: 'cancelled' });
    expect(Date.parse(res.cancelled_at)).toBeGreaterThan(0);
    const after = await t.client.get(submitted.job_id);
    expect(after.state).toBe('Stopped');
    expect(after.status).toBe('cancelled');
    const count = out.records.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(out.records.length).toBe(count);
    const listed = await t.client.list({ status: 'cancelled' });
    expect(listed.jobs.map((j) => j.job_id)).toContain(submitted.job_id);
  });

  it('cancelling a paused job makes it cancelled (not resumable); again is a conflict', async () => {
    const spec = { name: 'paused', sources: [{ type: 'impulse', config: { event_rate: 100 } }], transformations: [], sinks: [{ type: 'blackhole', config: {} }] };
    const { job_id } = await t.client.submit(spec);
    await t.client.waitForState(job_id, ['Running']);
    await t.client.stop(job_id, 'immediate');
    expect((await t.client.get(job_id)).status).toBe('paused');
    await expect(t.client.cancel(job_id, { savepoint: true })).rejects.toMatchObject({ code: 409 });
    expect(await t.client.cancel(job_id)).toMatchObject({ job_id, status: 'cancelled' });
    const after = await t.client.get(job_id);
    expect([after.state, after.status]).toEqual(['Stopped', 'cancelled']);
    await expect(t.client.resume(job_id)).rejects.toMatchObject({ code: 409 });
    await expect(t.client.cancel(job_id)).rejects.toMatchObject({ code: 409 });
  });

  it('a malformed record is counted and skipped; the job keeps running', async () => {
    const input = uniqueName('tx_in');
    const output = uniqueName('tx_big');
    const out = await collect<{ id: number }>(t.stack.nc, output);
    const { job_id } = await t.client.submit(fraudSpec(input, output, 1, false));
    await t.client.waitForState(job_id, ['Running']);
    t.stack.nc.publish(input, '{"id": 1, "amount": 20000, "user": "ann"');
    t.stack.nc.publish(input, JSON.stringify({ id: 2, amount: 'lots', user: 'ben' }));
    t.stack.nc.publish(input, JSON.stringify({ id: 3, amount: 30000, user: 'cat' }));
    await out.waitFor(1);
    expect(out.records).toEqual([{ id: 3, user: 'cat', doubled: 60000 }]);
    await eventually(async () => (await t.client.get(job_id)).metrics.deserialization_errors === 2, 'two deserialization errors in metrics');
    expect((await t.client.get(job_id)).state).toBe('Running');
    await t.client.cancel(job_id);
  });
});

describe('runtime: inspection', () => {
  it('publishes JSON-safe inspection events of the job and its subtasks', async () => {
    const events: Array<{ job_id?: string; type: string; actor_id: string; state?: unknown }> = [];
    const sub = t.stack.nc.subscribe(`${t.prefix}.inspect.>`, { callback: (_e, m) => void events.push(m.json()) });
    const spec = { name: 'inspected', sources: [{ type: 'impulse', config: { count: 10 } }], transformations: [], sinks: [{ type: 'blackhole', config: {} }] };
    const { job_id } = await t.client.submit(spec);
    await t.client.waitForState(job_id, ['Finished']);
    await eventually(() => events.some((e) => e.actor_id.includes('/task-1/0/') && e.state === 'finished'), 'subtask inspection events');
    sub.unsubscribe();
    const jobStates = events.filter((e) => e.job_id === job_id && e.type === '@xstate.snapshot').map((e) => e.state);
    expect(jobStates).toEqual(expect.arrayContaining(['Compiling', 'Scheduling', 'Running', 'Finished']));
    expect(events.every((e) => e.actor_id.length > 0)).toBe(true);
  });
});

describe('runtime: API errors', () => {
  it('a bad spec gets 400 naming the field, in headers and body', async () => {
    const bad = fraudSpec('in.x', 'out.x', 1, false) as JobSpec;
    (bad.sources[0]!.config as { schema: { fields: Array<{ type: string }> } }).schema.fields[1]!.type = 'decimal';
    const err = await t.client.submit(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(400);
    expect((err as ApiError).message).toContain('sources[0].config.schema.fields[1].type');
    const raw = await t.stack.nc.request(`${t.prefix}.api.v1.jobs.submit`, JSON.stringify({ name: 'x', sources: [], sinks: [] }));
    expect(raw.headers?.get('Nats-Service-Error-Code')).toBe('400');
    expect(raw.headers?.get('Nats-Service-Error')).toBeTruthy();
    const body = raw.json<{ error: { code: number; message: string; details: Array<{ field: string }> } }>();
    expect(body.error.code).toBe(400);
    expect(body.error.details.map((d) => d.field)).toEqual(expect.arrayContaining(['sources', 'sinks']));
  });

  it('an expression on a missing column is rejected at submit', async () => {
    const spec = fraudSpec('in.y', 'out.y', 1, false) as { transformations: Array<{ config: { condition?: string } }> };
    spec.transformations[0]!.config.condition = 'amout > 10';
    await expect(t.client.submit(spec)).rejects.toMatchObject({ code: 400, message: expect.stringContaining('amout') });
  });

  it('an unknown job id gets 404; a body that is not JSON gets 400', async () => {
    await expect(t.client.get('job-nope')).rejects.toMatchObject({ code: 404 });
    await expect(t.client.cancel('job-nope')).rejects.toMatchObject({ code: 404 });
    const raw = await t.stack.nc.request(`${t.prefix}.api.v1.jobs.get`, 'not json');
    expect(raw.headers?.get('Nats-Service-Error-Code')).toBe('400');
  });

  it('list validates its filters', async () => {
    await expect(t.client.list({ status: 'dancing' as never })).rejects.toMatchObject({ code: 400 });
    await expect(t.client.list({ limit: 0 })).rejects.toMatchObject({ code: 400 });
    const page = await t.client.list({ limit: 1, offset: 0 });
    expect(page.limit).toBe(1);
    expect(page.jobs.length).toBeLessThanOrEqual(1);
    expect(page.total).toBeGreaterThanOrEqual(page.jobs.length);
  });

  it('registers the NATS micro service', async () => {
    const ping = await t.stack.nc.request('$SRV.PING.rivulet', '', { timeout: 2000 });
    expect(ping.json<{ name: string; type: string }>()).toMatchObject({ name: 'rivulet', type: 'io.nats.micro.v1.ping_response' });
  });
});
