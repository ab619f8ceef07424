// One run of a job: which subtask runs where, and how far each has got. A run ends when its
// subtasks finish, fail or are stopped; the next run (after a restart) gets a new run id.

import type { PhysicalPlan, SubtaskAssignment } from '../types.js';
import type { SubtaskEventKind, SubtaskMetrics, TaskEventMsg } from '../wire.js';

export type SubtaskStatus = 'deploying' | SubtaskEventKind;

/** What a task event means for the job as a whole. */
export type RunSignal = 'sources_finished' | 'all_finished' | 'failed' | null;

const key = (task: string, index: number) => `${task}/${index}`;

export class JobRun {
  readonly status = new Map<string, SubtaskStatus>();
  /** Last counters seen per subtask (heartbeats, then the final event). */
  readonly metrics = new Map<string, SubtaskMetrics>();
  private readonly sourceKeys = new Set<string>();
  private readonly sinkTasks = new Set<string>();
  private finishedSignalled = false;
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

  /** Records a subtask event and says what it means for the job. */
  onEvent(ev: TaskEventMsg): RunSignal {
    const k = key(ev.task_id, ev.subtask_index);
    if (!this.status.has(k)) return null;
    const prev = this.status.get(k);
    // A late `running` must not undo a terminal status.
    if (ev.event === 'running' && prev !== 'deploying') return null;
    this.status.set(k, ev.event);
    if (ev.metrics) this.metrics.set(k, ev.metrics);
    if (ev.event === 'failed') return 'failed';
    if (ev.event !== 'finished') return null;
    if ([...this.status.values()].every((s) => s === 'finished')) {
      this.resolveFinished();
      return 'all_finished';
    }
    if (!this.finishedSignalled && [...this.sourceKeys].every((s) => this.status.get(s) === 'finished')) {
      this.finishedSignalled = true;
      return 'sources_finished';
    }
    return null;
  }

  observe(m: SubtaskMetrics): void {
    if (m.run_id !== this.runId) return;
    const k = key(m.task_id, m.subtask_index);
    const st = this.status.get(k);
    // Final counters from a terminal event win over an older heartbeat.
    if (st === 'finished' || st === 'failed' || st === 'stopped') return;
    this.metrics.set(k, m);
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
