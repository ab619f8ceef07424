// A worker process that dies takes its subtasks with it: the controller notices the missing
// heartbeats, moves the job to Recovering and deploys a new run on the workers that are left.

import { describe, expect, it } from 'vitest';
import { collect, eventually } from './helpers/collect.js';
import { useTestStack } from './helpers/stack.js';

const t = useTestStack({ workers: 2, heartbeatTimeoutMs: 1500 });

describe('recovery from a lost worker', () => {
  it('goes Recovering → Running on the remaining worker and keeps producing', async () => {
    const spec = {
      name: 'survivor',
      config: { parallelism: 1, restart_strategy: { type: 'fixed_delay', attempts: 3, delay_ms: 100 } },
      sources: [{ type: 'impulse', config: { event_rate: 200 } }],
      transformations: [],
      sinks: [{ type: 'preview', config: {} }],
    };
    const { job_id } = await t.client.submit(spec);
    await t.client.waitForState(job_id, ['Running']);
    const run = t.stack.controller.runs.get(job_id)!;
    const victimId = run.assignments[0]!.worker_id;
    const victim = t.stack.workers.find((w) => t.stack.controller.workers.get(victimId)?.pid === w.pid)!;
    expect(victim).toBeDefined();
    const seen: unknown[] = [];
    const sub = t.stack.nc.subscribe(`${t.prefix}.inspect.${job_id}`, {
      callback: (_e, m) => {
        const ev = m.json<{ type: string; job_id?: string; state?: unknown }>();
        if (ev.job_id === job_id && ev.type === '@xstate.snapshot') seen.push(ev.state);
      },
    });
    await t.stack.nc.flush();
    victim.kill('SIGKILL');

    await eventually(async () => {
      const j = await t.client.get(job_id);
      return j.state === 'Running' && j.metrics.restarts === 1;
    }, 'the job to run again after one restart');
    sub.unsubscribe();
    // The job machine went through Recovering (tear down, back off) and Scheduling again.
    expect(seen).toEqual(expect.arrayContaining([{ Recovering: 'tearingDown' }, { Recovering: 'backoff' }, 'Compiling', 'Scheduling', 'Running']));
    const newRun = t.stack.controller.runs.get(job_id)!;
    expect(newRun.runId).toBeGreaterThan(run.runId);
    expect(newRun.assignments.every((a) => a.worker_id !== victimId)).toBe(true);

    const out = await collect(t.stack.nc, `${t.prefix}.output.${job_id}`);
    await out.waitFor(10);
    const details = await t.client.get(job_id);
    expect(details.failure_message).toContain(victimId);
    await t.client.cancel(job_id);
  });
});
