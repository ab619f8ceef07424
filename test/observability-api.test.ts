// jobs.metrics, jobs.operator_metrics, jobs.logs and jobs.errors against a real controller, worker
// processes and nats-server: happy paths, 400 for bad bodies, 404 for unknown jobs, and logs
// read back by a controller started after the one that wrote them.

import { afterAll, describe, expect, it } from 'vitest';
import { RivuletClient } from '../src/api/client.js';
import { observabilityOps } from '../src/api/schema/observability.js';
import { startController, type ControllerHandle } from '../src/controller/controller.js';
import { createLogger } from '../src/log.js';
import { connectNats } from '../src/nats/connect.js';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { subjects } from '../src/wire.js';
import { eventually } from './helpers/collect.js';
import { getTestNatsUrl } from './helpers/nats.js';
import { useTestStack } from './helpers/stack.js';

const t = useTestStack({ workers: 1 });
const MISSING = 'job-does-not-exist';

/** impulse → key_by (a shuffle across JetStream) → project → blackhole, at parallelism 2. */
const streaming = {
  name: 'observed',
  config: { parallelism: 2, checkpoint_interval_ms: 1000, linger_ms: 2 },
  sources: [{ type: 'impulse', config: { event_rate: 2000 } }],
  transformations: [
    { type: 'key_by', config: { keys: ['counter'] } },
    { type: 'project', config: { expressions: ['counter', 'counter * 2 AS doubled'] } },
  ],
  sinks: [{ type: 'blackhole', config: {} }],
};
/** Fails at once as a user error (no retries): integer division by zero. */
const failing = { name: 'fails', sources: [{ type: 'impulse', config: { count: 5 } }], transformations: [{ type: 'project', config: { expressions: ['counter / 0 AS boom'] } }], sinks: [{ type: 'blackhole', config: {} }] };
const bounded = { name: 'bounded', sources: [{ type: 'impulse', config: { count: 100 } }], sinks: [{ type: 'blackhole', config: {} }] };

const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: number; details?: Array<{ field?: string }> }) => `${e.code} ${e.details?.map((d) => d.field).join(',') ?? ''}`.trim());

let streamingId = '';
let failedId = '';

describe('jobs.metrics', () => {
  it('a running job: totals, window throughput, latency percentiles, resources and a history', async () => {
    streamingId = (await t.client.submit(streaming)).job_id;
    await t.client.waitForState(streamingId, ['Running']);
    await eventually(async () => {
      const m = await t.client.metrics(streamingId);
      return m.metrics.latency.samples > 0 && m.metrics.events_processed > 0 && m.history.length >= 2 && m.metrics.checkpoint.count > 0;
    }, 'events, latency samples, checkpoints and history');
    const m = await t.client.metrics(streamingId);
    expect(observabilityOps.metrics.response.parse(m)).toEqual(m);
    expect(m).toMatchObject({ job_id: streamingId, window: '5m' });
    const x = m.metrics;
    expect(x.events_processed_total).toBeGreaterThanOrEqual(x.events_processed);
    expect(x.throughput_per_sec).toBeGreaterThan(0);
    expect(x.latency.p50_ms).toBeGreaterThan(0);
    expect(x.latency.p50_ms!).toBeLessThanOrEqual(x.latency.p95_ms!);
    expect(x.latency.p99_ms!).toBeLessThanOrEqual(x.latency.p999_ms!);
    expect(x.checkpoint.last_duration_ms).not.toBeNull();
    expect(x.backpressure.current_level).toBeGreaterThanOrEqual(0);
    expect(x.backpressure.current_level).toBeLessThanOrEqual(1);
    expect(x.resources).toMatchObject({ workers: 1, shared: false });
    expect(x.resources.memory_used_mb).toBeGreaterThan(10);
    expect(x.resources.memory_total_mb).toBeGreaterThanOrEqual(x.resources.memory_used_mb);
    expect(x.errors).toEqual({ count: 0, in_window: 0, rate_per_min: 0 });
    expect(m.history.at(-1)).toMatchObject({ throughput_per_sec: expect.any(Number), memory_used_mb: expect.any(Number) });
    // Steps of 5 s in a 5 minute window.
    const [a, b] = m.history.slice(-2).map((p) => Date.parse(p.timestamp));
    expect((b! - a!) % 5000).toBe(0);
  });

  it('every window answers; 1m has 1 s steps', async () => {
    for (const window of ['1m', '5m', '1h', '24h'] as const) {
      const m = await t.client.metrics(streamingId, window);
      expect(m.window).toBe(window);
      expect(m.metrics.events_processed).toBeGreaterThan(0);
    }
    const minute = await t.client.metrics(streamingId, '1m');
    const stamps = minute.history.map((p) => Date.parse(p.timestamp));
    expect(stamps.every((s) => s % 1000 === 0)).toBe(true);
  });

  it('400 for a bad window, an unknown field or no job_id; 404 for an unknown job', async () => {
    expect(await codeOf(t.client.request('metrics', { job_id: streamingId, window: '2m' }))).toBe('400 window');
    expect(await codeOf(t.client.request('metrics', { job_id: streamingId, since: 1 }))).toBe('400 since');
    expect(await codeOf(t.client.request('metrics', {}))).toBe('400 job_id');
    expect(await codeOf(t.client.metrics(MISSING))).toBe('404');
  });
});

describe('jobs.operator_metrics', () => {
  it('per operator, per subtask metric groups of a running job', async () => {
    await eventually(async () => {
      const r = await t.client.operatorMetrics(streamingId);
      return r.data.length === 2 && r.data.every((op) => op.metric_groups[0]!.subtasks.every((s) => s.total > 0 && s.metrics.length > 0));
    }, 'records received by every subtask');
    const reply = await t.client.operatorMetrics(streamingId);
    expect(observabilityOps.operator_metrics.response.parse(reply)).toEqual(reply);
    const { data } = reply;
    for (const op of data) {
      expect(op.parallelism).toBe(2);
      expect(op.metric_groups.map((g) => g.name)).toEqual(['messages_recv', 'messages_sent', 'bytes_recv', 'bytes_sent', 'batches_recv', 'batches_sent', 'deserialization_errors', 'backpressure']);
      for (const g of op.metric_groups) expect(g.subtasks.map((s) => s.index)).toEqual([0, 1]);
    }
    // The downstream task reads Arrow IPC from the shuffle: it counts bytes received.
    const down = data.find((op) => op.name.includes('blackhole'))!;
    expect(down.metric_groups.find((g) => g.name === 'bytes_recv')!.subtasks.every((s) => s.total > 0)).toBe(true);
    const bp = down.metric_groups.find((g) => g.name === 'backpressure')!;
    expect(bp.subtasks[0]!.metrics.every((p) => p.value >= 0 && p.value <= 1)).toBe(true);
  });

  it('an empty collection for a job that is not running; 400 and 404', async () => {
    const { job_id } = await t.client.submit(bounded);
    await t.client.waitForState(job_id, ['Finished']);
    expect(await t.client.operatorMetrics(job_id)).toEqual({ job_id, data: [] });
    expect(await codeOf(t.client.request('operator_metrics', { job_id, window: '1m' }))).toBe('400 window');
    expect(await codeOf(t.client.request('operator_metrics', { job_id: '' }))).toBe('400 job_id');
    expect(await codeOf(t.client.operatorMetrics(MISSING))).toBe('404');
  });
});

describe('jobs.logs and jobs.errors', () => {
  it('logs: lifecycle and checkpoints, oldest first; level is a minimum; tail gives the newest', async () => {
    await eventually(async () => (await t.client.logs(streamingId, { level: 'debug' })).logs.some((l) => l.message.includes('checkpoint')), 'a checkpoint entry');
    const all = await t.client.logs(streamingId);
    expect(observabilityOps.logs.response.parse(all)).toEqual(all);
    expect(all.limit).toBe(1000);
    expect(all.total).toBe(all.logs.length);
    expect(all.logs[0]).toMatchObject({ level: 'info', message: 'job "observed" submitted', task_id: null, subtask_index: null });
    expect(all.logs.map((l) => l.message)).toContain('job Running (was Scheduling)');
    const ids = all.logs.map((l) => Number(l.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const info = await t.client.logs(streamingId, { level: 'info' });
    expect(info.logs.every((l) => l.level === 'info' || l.level === 'warn' || l.level === 'error')).toBe(true);
    expect(info.logs.some((l) => l.message.startsWith('checkpoint'))).toBe(false);
    // The job keeps logging checkpoints: the tail is at least as new as the end of `all`.
    const tail = await t.client.logs(streamingId, { tail: true, limit: 2, level: 'debug' });
    expect(tail.logs).toHaveLength(2);
    expect(Number(tail.logs[0]!.id)).toBeLessThan(Number(tail.logs[1]!.id));
    expect(Number(tail.logs[0]!.id)).toBeGreaterThanOrEqual(ids.at(-2)!);
    const head = await t.client.logs(streamingId, { limit: 2 });
    expect(head.logs).toEqual(all.logs.slice(0, 2));
  });

  it('errors: a failed job has its subtask error and the job failure, newest first, by cursor', async () => {
    failedId = (await t.client.submit(failing)).job_id;
    await t.client.waitForState(failedId, ['Failed']).catch(() => undefined);
    await eventually(async () => (await t.client.errors(failedId)).data.length >= 2, 'two error entries');
    const all = await t.client.errors(failedId);
    expect(observabilityOps.errors.response.parse(all)).toEqual(all);
    expect(all.has_more).toBe(false);
    const ids = all.data.map((e) => Number(e.id));
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(all.data.every((e) => e.level === 'error')).toBe(true);
    const subtask = all.data.find((e) => e.task_id !== null)!;
    expect(subtask.message).toContain('division by zero');
    expect(subtask.subtask_index).toBe(0);
    expect(all.data.some((e) => e.message.startsWith('job Failed') || e.message.startsWith('job Failing'))).toBe(true);
    expect((await t.client.metrics(failedId)).metrics.errors.count).toBe(1);
    // Page by page, one at a time.
    const seen: string[] = [];
    let page = await t.client.errors(failedId, { limit: 1 });
    for (;;) {
      seen.push(...page.data.map((e) => e.id));
      if (!page.has_more) break;
      page = await t.client.errors(failedId, { limit: 1, starting_after: page.data.at(-1)!.id });
    }
    expect(seen).toEqual(all.data.map((e) => e.id));
    // The level filter reads the same entries.
    expect((await t.client.logs(failedId, { level: 'error' })).logs.map((e) => e.id).reverse()).toEqual(seen);
    expect(await t.client.errors(streamingId)).toEqual({ data: [], has_more: false });
  });

  it('400 for bad level, limit, tail or cursor; 404 for an unknown job', async () => {
    expect(await codeOf(t.client.request('logs', { job_id: streamingId, level: 'fatal' }))).toBe('400 level');
    expect(await codeOf(t.client.request('logs', { job_id: streamingId, limit: 0 }))).toBe('400 limit');
    expect(await codeOf(t.client.request('logs', { job_id: streamingId, limit: 10_001 }))).toBe('400 limit');
    expect(await codeOf(t.client.request('logs', { job_id: streamingId, tail: 'yes' }))).toBe('400 tail');
    expect(await codeOf(t.client.logs(MISSING))).toBe('404');
    expect(await codeOf(t.client.request('errors', { job_id: failedId, starting_after: 'abc' }))).toBe('400 starting_after');
    expect(await codeOf(t.client.request('errors', { job_id: failedId, limit: 1001 }))).toBe('400 limit');
    expect(await codeOf(t.client.request('errors', { job_id: failedId, level: 'error' }))).toBe('400 level');
    expect(await codeOf(t.client.errors(MISSING))).toBe('404');
  });
});

describe('logs survive the controller', () => {
  let nc: NatsConnection | undefined;
  let second: ControllerHandle | undefined;
  afterAll(async () => {
    await second?.stop();
    await nc?.close();
  });

  it('a controller started after the first one stopped reads the same entries from the stream', async () => {
    await t.client.cancel(streamingId);
    const before = { logs: await t.client.logs(streamingId), errors: await t.client.errors(failedId) };
    await t.stack.controller.stop();
    nc = await connectNats(getTestNatsUrl(), 'observability-second-controller');
    second = await startController({ nc, prefix: t.prefix, log: createLogger('second-controller', { level: 'silent', pretty: false }) });
    const client = new RivuletClient(nc, t.prefix);
    const after = await client.logs(streamingId);
    expect(after.logs.slice(0, before.logs.logs.length)).toEqual(before.logs.logs);
    expect(await client.errors(failedId)).toEqual(before.errors);
    // A failed job's metrics still answer from its record (the history was the old controller's).
    expect((await client.metrics(failedId)).metrics.events_processed_total).toBeGreaterThanOrEqual(0);
  });

  it('deleting a job removes its entries from the stream', async () => {
    const client = new RivuletClient(nc!, t.prefix);
    await client.deleteJob(failedId);
    expect(await codeOf(client.errors(failedId))).toBe('404');
    const s = subjects(t.prefix).logs;
    const info = await (await jetstreamManager(nc!)).streams.info(s.stream, { subjects_filter: s.job(failedId) });
    expect(info.state.subjects ?? {}).toEqual({});
    expect((await client.logs(streamingId)).total).toBeGreaterThan(0);
  });
});
