// One run of a job: which subtask runs where, and how far each has got. A run ends when its
// subtasks finish, fail or are stopped; the next run (after a restart) gets a new run id.

import type { PhysicalPlan, SubtaskAssignment } from '../types.js';
import type { SubtaskEventKind, SubtaskMetrics, TaskEventMsg } from '../wire.js';

export type SubtaskStatus = 'deploying' | SubtaskEventKind;

const key = (task: string, index: number) => `${task}/${index}`;

export class JobRun {
  readonly status = new Map<string, SubtaskStatus>();
  /** Last counters seen per subtask (heartbeats, then the final event). */
  readonly metrics = new Map<string, SubtaskMetrics>();
  /** The first subtask failure of this run, until the job has been told. */
  failure: { message: string; domain: string; retryable: boolean } | null = null;
  failureReported = false;
  private readonly sourceKeys = new Set<string>();
  private readonly sinkTasks = new Set<string>();
  private resolveFinished!: () => void;
  /** Resolves when every subtask of the run has finished (bounded input fully processed). */
  readonly allFinished = new Promise<void>((resolve) => (this.resolveFinished = resolve));

  constructor(
    readonly runId: number,
    readonly plan: PhysicalPlan,
    readonly assignments: SubtaskAssignment[],
  ) {
    for (const a of assignments) this.status.set(key(a.task_id, a.subtask_index), 'deploying');
    for (const t of plan.tasks) {
      if (t.operators.some((o) => o.kind === 'source')) {
        for (let i = 0; i < t.parallelism; i++) this.sourceKeys.add(key(t.task_id, i));
      }
      if (t.operators.some((o) => o.kind === 'sink')) this.sinkTasks.add(t.task_id);
    }
  }

  workers(): Set<string> {
    return new Set(this.assignments.map((a) => a.worker_id));
  }

  usesWorker(id: string): boolean {
    return this.assignments.some((a) => a.worker_id === id);
  }

  /** Records a subtask event; returns true when it is a failure. */
  onEvent(ev: TaskEventMsg): boolean {
    const k = key(ev.task_id, ev.subtask_index);
    const prev = this.status.get(k);
    // Unknown subtasks are ignored; a late `running` must not undo a terminal status.
    if (prev === undefined || (ev.event === 'running' && prev !== 'deploying')) return false;
    this.status.set(k, ev.event);
    if (ev.metrics) this.metrics.set(k, ev.metrics);
    if (ev.event === 'failed') {
      this.failure ??= {
        message: `${ev.task_id}/${ev.subtask_index}: ${ev.error?.message ?? 'failed'}`,
        domain: ev.error?.domain ?? 'internal',
        retryable: ev.error?.retryable ?? true,
      };
      return true;
    }
    if (this.allDone()) this.resolveFinished();
    return false;
  }

  observe(m: SubtaskMetrics): void {
    if (m.run_id !== this.runId) return;
    const k = key(m.task_id, m.subtask_index);
    const st = this.status.get(k);
    // Final counters from a terminal event win over an older heartbeat.
    if (st === 'finished' || st === 'failed' || st === 'stopped') return;
    this.metrics.set(k, m);
  }

  /** Every source subtask has ended. */
  sourcesDone(): boolean {
    return [...this.sourceKeys].every((s) => this.status.get(s) === 'finished');
  }

  /** Every subtask is running: none still deploying, none ended. */
  allLive(): boolean {
    return [...this.status.values()].every((s) => s === 'running');
  }

  /** Every subtask has ended. */
  allDone(): boolean {
    return [...this.status.values()].every((s) => s === 'finished');
  }

  isSourceTask(taskId: string): boolean {
    return [...this.sourceKeys].some((k) => k.startsWith(`${taskId}/`));
  }

  isSinkTask(taskId: string): boolean {
    return this.sinkTasks.has(taskId);
  }

  taskStatus(taskId: string): SubtaskStatus[] {
    return [...this.status.entries()].filter(([k]) => k.startsWith(`${taskId}/`)).map(([, v]) => v);
  }
}
