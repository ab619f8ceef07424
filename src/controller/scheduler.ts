// Places subtasks on worker slots. Like Flink's slot sharing, one slot holds subtask i of every
// task, so a job needs `parallelism` slots; slot i goes to the i-th worker round-robin, which
// spreads a parallel job across worker processes (and so across cores).

import { ExternalError } from '../errors.js';
import type { PhysicalPlan, SubtaskAssignment } from '../types.js';
import type { WorkerInfo } from './workers.js';

export function assignSubtasks(plan: PhysicalPlan, workers: WorkerInfo[], usedSlots: Map<string, number>): SubtaskAssignment[] {
  const parallelism = Math.max(...plan.tasks.map((t) => t.parallelism));
  const free = workers.map((w) => ({ w, free: w.slots - (usedSlots.get(w.worker_id) ?? 0) })).filter((x) => x.free > 0);
  const totalFree = free.reduce((n, x) => n + x.free, 0);
  if (totalFree < parallelism) {
    throw new ExternalError(
      `not enough free worker slots: the job needs ${parallelism}, ${totalFree} free on ${workers.length} worker(s)`,
      { retryable: true },
    );
  }
  // Slot i → the next worker with room, cycling so consecutive subtasks land on different workers.
  const slotWorker: string[] = [];
  for (let i = 0, k = 0; i < parallelism; k++) {
    const slot = free[k % free.length]!;
    if (slot.free > 0) {
      slot.free--;
      slotWorker.push(slot.w.worker_id);
      i++;
    }
  }
  const out: SubtaskAssignment[] = [];
  for (const t of plan.tasks) {
    for (let i = 0; i < t.parallelism; i++) out.push({ task_id: t.task_id, subtask_index: i, worker_id: slotWorker[i]! });
  }
  return out;
}
