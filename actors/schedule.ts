// Scheduling: places the subtasks on worker slots, creates the run's shuffle stream and deploys.
// Resolves when every worker has opened its subtasks, i.e. every source is consuming.

import { fromPromise } from 'xstate';
import { assignSubtasks } from '../src/controller/scheduler.js';
import { JobRun } from '../src/controller/run.js';
import type { ControllerDeps } from '../src/controller/deps.js';
import { createDataStream } from '../src/dataflow/shuffle/stream.js';
import { ExternalError } from '../src/errors.js';
import type { JobContext } from '../machines/job.js';
import type { JobSpec, PhysicalPlan } from '../src/types.js';
import type { DeployMsg, RestoreRef } from '../src/wire.js';
import { compileJob, effectiveSpec } from './compile.js';
import { stopRun } from './teardown.js';
import { sendWorkerCommand } from './worker-command.js';

export interface ScheduleInput {
  job_id: string;
  run_id: number;
  spec: JobSpec;
  plan: PhysicalPlan;
  restore?: RestoreRef;
}

export async function scheduleRun(deps: ControllerDeps, input: ScheduleInput): Promise<JobRun> {
  const { job_id, run_id, spec, plan } = input;
  try {
    await deps.workers.waitFor(1, deps.workerWaitMs);
  } catch (err) {
    throw new ExternalError(`no worker available: ${(err as Error).message}`, { cause: err });
  }
  // Slot sharing: a run occupies one slot on a worker for each subtask index placed there.
  const slots = new Map<string, Set<string>>();
  for (const [jobId, run] of deps.runs) {
    for (const a of run.assignments) {
      const held = slots.get(a.worker_id) ?? new Set<string>();
      held.add(`${jobId}/${a.subtask_index}`);
      slots.set(a.worker_id, held);
    }
  }
  const used = new Map([...slots].map(([w, held]) => [w, held.size]));
  const assignments = assignSubtasks(plan, deps.workers.live(), used);
  const run = new JobRun(run_id, plan, assignments);
  deps.runs.set(job_id, run);
  deps.onRun(job_id, run);
  try {
    if (plan.edges.length > 0) await createDataStream(deps.jsm, deps.subjects, job_id, run_id);
    const byWorker = new Map<string, typeof assignments>();
    for (const a of assignments) byWorker.set(a.worker_id, [...(byWorker.get(a.worker_id) ?? []), a]);
    await Promise.all(
      [...byWorker].map(([worker, mine]) => {
        const epoch_floor = deps.lastEpochOf(job_id);
        const cmd: DeployMsg = { type: 'deploy', job_id, run_id, prefix: deps.prefix, spec, plan, assignments: mine, placement: assignments, epoch_floor };
        if (input.restore) cmd.restore = input.restore;
        return sendWorkerCommand(deps, worker, cmd);
      }),
    );
    return run;
  } catch (err) {
    await stopRun(deps, job_id, 'immediate').catch(() => undefined);
    throw err;
  }
}

/**
 * The plan is compiled again here from the effective spec: a rescale goes Rescaling → Scheduling
 * without Compiling, and the parallelism decides the plan's shape.
 */
export const scheduleActor = (deps: ControllerDeps) =>
  fromPromise<unknown, JobContext>(async ({ input }) => {
    const spec = effectiveSpec(input);
    const restore = deps.restorePointOf(input.job_id);
    const run = await scheduleRun(deps, { job_id: input.job_id, run_id: input.run_id, spec, plan: compileJob(spec, deps.prefix), ...(restore ? { restore } : {}) });
    return { run_id: run.runId, assignments: run.assignments };
  });
