// Pure controller parts: slot placement, the worker registry's liveness, a run's bookkeeping.

import { describe, expect, it } from 'vitest';
import { JobRun } from '../src/controller/run.js';
import { assignSubtasks } from '../src/controller/scheduler.js';
import { WorkerRegistry, type WorkerInfo } from '../src/controller/workers.js';
import { ExternalError } from '../src/errors.js';
import type { PhysicalPlan, PhysicalTask } from '../src/types.js';

const schema = { fields: [{ name: 'x', type: 'int64' as const }] };
function task(id: string, p: number, kind: 'source' | 'sink'): PhysicalTask {
  const op = kind === 'source' ? { kind, source: { type: 'impulse' as const, config: {} } } : { kind, sink: { type: 'blackhole' as const, config: {} } };
  return { task_id: id, name: id, parallelism: p, operators: [op], node_ids: [`${id}-node`], inputSchema: schema, outputSchema: schema, inputs: [], outputs: [] };
}
const plan = (p: number): PhysicalPlan => ({ tasks: [task('task-1', p, 'source'), task('task-2', p, 'sink')], edges: [] });
const worker = (id: string, slots: number, at: number): WorkerInfo => ({ worker_id: id, slots, pid: 1, host: 'h', registered_at: at, last_heartbeat: at, rss_bytes: 0, subtasks: [] });

describe('assignSubtasks', () => {
  it('puts subtask i of every task in one slot and spreads slots over workers', () => {
    const a = assignSubtasks(plan(2), [worker('w1', 4, 1), worker('w2', 4, 2)], new Map());
    expect(a).toEqual([
      { task_id: 'task-1', subtask_index: 0, worker_id: 'w1' },
      { task_id: 'task-1', subtask_index: 1, worker_id: 'w2' },
      { task_id: 'task-2', subtask_index: 0, worker_id: 'w1' },
      { task_id: 'task-2', subtask_index: 1, worker_id: 'w2' },
    ]);
  });

  it('skips full workers and refuses when slots run out (retryable)', () => {
    expect(() => assignSubtasks(plan(3), [worker('w1', 2, 1), worker('w2', 2, 2)], new Map([['w1', 2]]))).toThrow(ExternalError);
    const ok = assignSubtasks(plan(2), [worker('w1', 2, 1), worker('w2', 2, 2)], new Map([['w1', 2]]));
    expect(new Set(ok.map((x) => x.worker_id))).toEqual(new Set(['w2']));
  });
});

describe('WorkerRegistry', () => {
  it('declares a worker lost after the heartbeat timeout, and only once', () => {
    let now = 1000;
    const reg = new WorkerRegistry(() => now, 5000);
    reg.register({ worker_id: 'w1', slots: 2, pid: 10, host: 'h' });
    now += 4000;
    expect(reg.heartbeat({ worker_id: 'w1', at: now, slots: 2, used_slots: 0, rss_bytes: 5, subtasks: [] })).toBe(true);
    now += 4999;
    expect(reg.reapLost()).toEqual([]);
    now += 2;
    expect(reg.reapLost().map((w) => w.worker_id)).toEqual(['w1']);
    expect(reg.reapLost()).toEqual([]);
    expect(reg.heartbeat({ worker_id: 'w1', at: now, slots: 2, used_slots: 0, rss_bytes: 5, subtasks: [] })).toBe(false);
  });
});

describe('JobRun', () => {
  const assignments = [0, 1].flatMap((i) => ['task-1', 'task-2'].map((t) => ({ task_id: t, subtask_index: i, worker_id: `w${i}` })));
  const ev = (task_id: string, subtask_index: number, event: 'running' | 'finished' | 'failed') => ({ worker_id: 'w', job_id: 'j', run_id: 1, task_id, subtask_index, event });

  it('knows when sources are done and when everything is done', async () => {
    const run = new JobRun(1, plan(2), assignments);
    for (const a of assignments) run.onEvent(ev(a.task_id, a.subtask_index, 'running'));
    run.onEvent(ev('task-1', 0, 'finished'));
    expect(run.sourcesDone()).toBe(false);
    run.onEvent(ev('task-1', 1, 'finished'));
    expect(run.sourcesDone()).toBe(true);
    expect(run.allDone()).toBe(false);
    run.onEvent(ev('task-2', 0, 'finished'));
    run.onEvent(ev('task-2', 1, 'finished'));
    expect(run.allDone()).toBe(true);
    await expect(run.allFinished).resolves.toBeUndefined();
  });

  it('keeps the first failure and ignores a late running event', () => {
    const run = new JobRun(1, plan(1), assignments.filter((a) => a.subtask_index === 0));
    expect(run.onEvent({ ...ev('task-2', 0, 'failed'), error: { name: 'E', message: 'boom', domain: 'user', retryable: false } })).toBe(true);
    run.onEvent({ ...ev('task-1', 0, 'failed'), error: { name: 'E', message: 'later', domain: 'internal', retryable: true } });
    expect(run.failure).toEqual({ message: 'task-2/0: boom', domain: 'user', retryable: false });
    run.onEvent(ev('task-2', 0, 'running'));
    expect(run.taskStatus('task-2')).toEqual(['failed']);
    expect(run.onEvent(ev('task-9', 0, 'finished'))).toBe(false);
  });
});
