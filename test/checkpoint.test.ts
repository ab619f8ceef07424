// Checkpoints, savepoints and recovery end to end: a keyed aggregation over a JetStream source
// into the exactly-once JetStream sink, against real worker processes that are killed, stopped,
// resumed, rescaled and re-adopted. The output must be exact: last row per key equals the
// reference and no record is in the sink stream twice.

import { describe, expect, it } from 'vitest';
import { spawnWorker } from '../src/stack.js';
import { aggSpec, expectExactlyOnce, matchesReference, reference, txs, type AggRow, type Tx } from './helpers/aggregates.js';
import { collect, eventually } from './helpers/collect.js';
import { getTestNatsUrl, uniqueName } from './helpers/nats.js';
import { useTestStack } from './helpers/stack.js';
import { fillStream, readStream } from './helpers/streams.js';

const t = useTestStack({ workers: 2, heartbeatTimeoutMs: 1500 });

function names() {
  return { inStream: uniqueName('IN'), inSubject: uniqueName('agg_in'), outStream: uniqueName('OUT'), outSubject: uniqueName('agg_out') };
}

async function waitExact(outStream: string, all: Tx[], what: string, timeoutMs = 45_000): Promise<AggRow[]> {
  const ref = reference(all);
  let rows: AggRow[] = [];
  await eventually(async () => matchesReference((rows = await readStream<AggRow>(t.stack.nc, outStream)), ref), what, timeoutMs);
  // A late duplicate would show up right after: look again.
  await new Promise((r) => setTimeout(r, 500));
  rows = await readStream<AggRow>(t.stack.nc, outStream);
  expectExactlyOnce(rows, ref);
  return rows;
}

function replaceWorker(): void {
  t.stack.workers.push(spawnWorker({ natsUrl: getTestNatsUrl(), prefix: t.prefix, slots: 8, stdout: 'pipe', logLevel: 'warn' }));
}

describe('exactly-once under failures', () => {
  it('SIGKILLing the worker of a subtask several times mid-stream loses and repeats nothing', async () => {
    const n = names();
    const first = txs(0, 3000);
    await fillStream(t.stack.nc, n.inStream, n.inSubject, first);
    const { job_id } = await t.client.submit(aggSpec('kill', n.inStream, n.inSubject, n.outStream, n.outSubject, 2));
    await t.client.waitForState(job_id, ['Running']);
    let all = first;
    for (let round = 0; round < 3; round++) {
      await eventually(async () => (await t.client.get(job_id)).metrics.checkpoint_count > round, `checkpoint ${round + 1}`);
      const more = txs(all.length, 2000);
      await fillStream(t.stack.nc, n.inStream, n.inSubject, more);
      all = all.concat(more);
      const run = t.stack.controller.runs.get(job_id)!;
      const victimId = run.assignments.find((a) => a.task_id === run.plan.tasks.at(-1)!.task_id)!.worker_id;
      const pid = t.stack.controller.workers.get(victimId)!.pid;
      process.kill(pid, 'SIGKILL');
      replaceWorker();
      await eventually(async () => {
        const j = await t.client.get(job_id);
        return j.state === 'Running' && j.metrics.restarts === round + 1;
      }, `recovery ${round + 1}`);
    }
    await waitExact(n.outStream, all, 'exact output after three kills', 60_000);
    await t.client.cancel(job_id);
  });
});

describe('savepoints, stop and resume', () => {
  it('savepoint → cancel → restart from it at parallelism 3 continues exactly', async () => {
    const n = names();
    const a = txs(0, 2000);
    await fillStream(t.stack.nc, n.inStream, n.inSubject, a);
    const { job_id } = await t.client.submit(aggSpec('savepoint', n.inStream, n.inSubject, n.outStream, n.outSubject, 2));
    await waitExact(n.outStream, a, 'output of the first part');
    const sp = await t.client.createSavepoint(job_id, 'before rescale');
    expect(sp).toMatchObject({ job_id, description: 'before rescale' });
    expect(sp.size_bytes).toBeGreaterThan(0);
    expect(sp.location).toContain(sp.savepoint_id);
    const cancelled = await t.client.cancel(job_id);
    expect(cancelled.status).toBe('cancelled');
    expect((await t.client.listSavepoints(job_id)).savepoints.map((s) => s.savepoint_id)).toContain(sp.savepoint_id);

    const b = txs(a.length, 2000);
    await fillStream(t.stack.nc, n.inStream, n.inSubject, b);
    const restarted = await t.client.restart(job_id, { savepointId: sp.savepoint_id, parallelism: 3 });
    expect(restarted.restored_from_savepoint).toBe(sp.savepoint_id);
    await t.client.waitForState(job_id, ['Running']);
    const run = t.stack.controller.runs.get(job_id)!;
    expect(run.plan.tasks.at(-1)!.parallelism).toBe(3);
    await waitExact(n.outStream, a.concat(b), 'output after the rescaled restart');
    await t.client.cancel(job_id);
  });

  it('cancel with savepoint returns the savepoint, which can be listed and deleted', async () => {
    const n = names();
    await fillStream(t.stack.nc, n.inStream, n.inSubject, txs(0, 500));
    const { job_id } = await t.client.submit(aggSpec('cancel-sp', n.inStream, n.inSubject, n.outStream, n.outSubject, 1));
    await t.client.waitForState(job_id, ['Running']);
    const res = await t.client.cancel(job_id, { savepoint: true });
    expect(res.status).toBe('cancelled');
    expect(res.savepoint_id).toMatch(/^savepoint-/);
    const listed = await t.client.listSavepoints(job_id);
    expect(listed.savepoints.map((sp) => sp.savepoint_id)).toEqual([res.savepoint_id]);
    await t.client.deleteSavepoint(job_id, res.savepoint_id!);
    expect((await t.client.listSavepoints(job_id)).savepoints).toEqual([]);
    await expect(t.client.deleteSavepoint(job_id, res.savepoint_id!)).rejects.toMatchObject({ code: 404 });
    await expect(t.client.createSavepoint(job_id)).rejects.toMatchObject({ code: 409 });
  });

  it('stop with checkpoint → paused → resume continues exactly', async () => {
    const n = names();
    const a = txs(0, 1500);
    await fillStream(t.stack.nc, n.inStream, n.inSubject, a);
    const { job_id } = await t.client.submit(aggSpec('pause', n.inStream, n.inSubject, n.outStream, n.outSubject, 2));
    await t.client.waitForState(job_id, ['Running']);
    const stopped = await t.client.stop(job_id, 'checkpoint');
    expect(stopped).toMatchObject({ state: 'Stopped', status: 'paused' });
    // The final checkpoint committed everything read so far; nothing more arrives while paused.
    const b = txs(a.length, 1500);
    await fillStream(t.stack.nc, n.inStream, n.inSubject, b);
    await t.client.resume(job_id);
    await waitExact(n.outStream, a.concat(b), 'output after resume');
    await t.client.cancel(job_id);
  });
});

describe('rescaling a running job', () => {
  it('restart with a new parallelism goes through Rescaling and redistributes keyed state exactly', async () => {
    const n = names();
    const a = txs(0, 2000);
    await fillStream(t.stack.nc, n.inStream, n.inSubject, a);
    const { job_id } = await t.client.submit(aggSpec('rescale', n.inStream, n.inSubject, n.outStream, n.outSubject, 2));
    await t.client.waitForState(job_id, ['Running']);
    const seen: unknown[] = [];
    const sub = t.stack.nc.subscribe(`${t.prefix}.inspect.${job_id}`, {
      callback: (_e, m) => {
        const ev = m.json<{ type: string; job_id?: string; state?: unknown }>();
        if (ev.job_id === job_id && ev.type === '@xstate.snapshot') seen.push(ev.state);
      },
    });
    const res = await t.client.restart(job_id, { parallelism: 3 });
    expect(res.restored_from_savepoint).toBeNull();
    const b = txs(a.length, 2000);
    await fillStream(t.stack.nc, n.inStream, n.inSubject, b);
    await eventually(() => t.stack.controller.runs.get(job_id)?.plan.tasks.at(-1)?.parallelism === 3 && t.stack.controller.jobs.get(job_id)?.state === 'Running', 'the rescaled run');
    await waitExact(n.outStream, a.concat(b), 'output after rescaling');
    sub.unsubscribe();
    expect(seen).toEqual(expect.arrayContaining(['Rescaling', 'Scheduling', 'Running']));
    await t.client.cancel(job_id);
  });
});

describe('stop modes', () => {
  for (const mode of ['graceful', 'immediate', 'force'] as const) {
    it(`stop ${mode} ends Stopped (paused) and the job can be resumed`, async () => {
      const spec = { name: `stop-${mode}`, sources: [{ type: 'impulse', config: { event_rate: 200 } }], transformations: [], sinks: [{ type: 'blackhole', config: {} }] };
      const { job_id } = await t.client.submit(spec);
      await t.client.waitForState(job_id, ['Running']);
      const stopped = await t.client.stop(job_id, mode);
      expect(stopped).toMatchObject({ state: 'Stopped', status: 'paused' });
      await eventually(() => !t.stack.controller.runs.has(job_id), 'the run to be gone');
      await t.client.resume(job_id);
      await t.client.waitForState(job_id, ['Running']);
      await t.client.cancel(job_id);
    });
  }
});

describe('stop with a final checkpoint (then_stop)', () => {
  it('an at-least-once core NATS sink repeats nothing across stop → resume: sources emit nothing past the final barrier', async () => {
    const subject = uniqueName('then_stop_out');
    const out = await collect<{ counter: number; subtask_index: number }>(t.stack.nc, subject);
    const spec = {
      name: 'then-stop',
      config: { parallelism: 2, checkpoint_interval_ms: 60_000 },
      sources: [{ type: 'impulse', config: { event_rate: 4000 } }],
      transformations: [],
      sinks: [{ type: 'nats', config: { subject, format: 'json' } }],
    };
    const { job_id } = await t.client.submit(spec);
    await t.client.waitForState(job_id, ['Running']);
    await out.waitFor(1000);
    expect(await t.client.stop(job_id, 'checkpoint')).toMatchObject({ status: 'paused' });
    await new Promise((r) => setTimeout(r, 300));
    const before = out.records.length;
    await t.client.resume(job_id);
    await t.client.waitForState(job_id, ['Running']);
    await out.waitFor(before + 1000);
    await t.client.cancel(job_id);
    const seen = new Set<string>();
    for (const r of out.records) {
      const key = `${r.subtask_index}:${r.counter}`;
      expect(seen.has(key), `record ${key} delivered twice`).toBe(false);
      seen.add(key);
    }
    // And nothing is skipped: each subtask's counters form one unbroken run from its first.
    for (const s of [0, 1]) {
      const counters = out.records.filter((r) => r.subtask_index === s).map((r) => r.counter).sort((a, b) => a - b);
      expect(counters.length).toBeGreaterThan(100);
      expect((counters.at(-1)! - counters[0]!) / 2).toBe(counters.length - 1); // subtask s makes s, s + 2, s + 4, …
    }
  });
});

describe('checkpoint history and failures', () => {
  it('lists checkpoints with bytes and spans per operator and subtask', async () => {
    const n = names();
    await fillStream(t.stack.nc, n.inStream, n.inSubject, txs(0, 1000));
    const { job_id } = await t.client.submit(aggSpec('history', n.inStream, n.inSubject, n.outStream, n.outSubject, 2));
    await eventually(async () => (await t.client.get(job_id)).metrics.checkpoint_count >= 2, 'two checkpoints');
    const details = await t.client.get(job_id);
    expect(details.metrics.last_checkpoint_duration_ms).toBeGreaterThan(0);
    const { checkpoints } = await t.client.listCheckpoints(job_id);
    const done = checkpoints.filter((c) => c.status === 'completed');
    expect(done.length).toBeGreaterThanOrEqual(2);
    expect(done.every((c) => c.size_bytes > 0 && c.kind === 'checkpoint')).toBe(true);
    const d = await t.client.checkpointDetails(job_id, done[0]!.epoch);
    expect(d.operator_checkpoint_groups.map((g) => g.operator_id)).toEqual(['task-1', 'task-2']);
    for (const g of d.operator_checkpoint_groups) {
      expect(g.subtasks.map((s) => s.index)).toEqual([0, 1]);
      expect(g.bytes).toBe(g.subtasks.reduce((sum, s) => sum + s.bytes, 0));
      for (const s of g.subtasks) {
        expect(s.bytes).toBeGreaterThan(0);
        expect(s.sync_ms + s.async_ms).toBeGreaterThan(0);
      }
    }
    // The aggregate's subtasks wait for barriers from both source subtasks.
    expect(d.operator_checkpoint_groups[1]!.subtasks.every((s) => s.alignment_ms >= 0)).toBe(true);
    await expect(t.client.checkpointDetails(job_id, 99_999)).rejects.toMatchObject({ code: 404 });
    await t.client.cancel(job_id);
  });

  it('a user error (division by zero) fails the job at once, without restarts', async () => {
    const spec = {
      name: 'divide',
      config: { restart_strategy: { type: 'fixed_delay', attempts: 5, delay_ms: 100 } },
      sources: [{ type: 'impulse', config: { count: 100 } }],
      transformations: [{ type: 'project', config: { expressions: ['counter / (counter - 50) AS q'] } }],
      sinks: [{ type: 'blackhole', config: {} }],
    };
    const { job_id } = await t.client.submit(spec);
    const failed = await t.client.waitForState(job_id, ['Failed']);
    expect(failed.status).toBe('failed');
    expect(failed.metrics.restarts).toBe(0);
    expect(failed.failure_message).toContain('division by zero');
  });

  it('a retryable failure with fixed_delay gives up after its attempts and ends Failed', async () => {
    const spec = {
      name: 'doomed',
      config: { parallelism: 1, restart_strategy: { type: 'fixed_delay', attempts: 2, delay_ms: 100 } },
      sources: [{ type: 'impulse', config: { event_rate: 100 } }],
      transformations: [],
      sinks: [{ type: 'blackhole', config: {} }],
    };
    const { job_id } = await t.client.submit(spec);
    for (let kill = 1; kill <= 3; kill++) {
      await t.client.waitForState(job_id, ['Running', 'Failed']);
      if ((await t.client.get(job_id)).state === 'Failed') break;
      const run = t.stack.controller.runs.get(job_id)!;
      process.kill(t.stack.controller.workers.get(run.assignments[0]!.worker_id)!.pid, 'SIGKILL');
      replaceWorker();
      await eventually(async () => {
        const j = await t.client.get(job_id);
        return j.metrics.failures >= kill;
      }, `failure ${kill} noticed`);
    }
    await eventually(async () => (await t.client.get(job_id)).state === 'Failed', 'the job to fail for good');
    const j = await t.client.get(job_id);
    expect(j.metrics.restarts).toBe(2);
    expect(j.status).toBe('failed');
  });
});
