// Stopping a run: every worker hosting one of its subtasks stops them; then the run's shuffle
// stream is deleted so nothing of it can be read again.

import { fromPromise } from 'xstate';
import type { ControllerDeps } from '../src/controller/deps.js';
import { deleteDataStream } from '../src/dataflow/shuffle/stream.js';
import type { TeardownInput } from '../machines/job.js';
import type { StopMode } from '../src/wire.js';
import { sendWorkerCommand } from './worker-command.js';

export async function stopRun(deps: ControllerDeps, jobId: string, mode: StopMode): Promise<void> {
  const run = deps.runs.get(jobId);
  if (!run) return;
  const results = await Promise.allSettled(
    [...run.workers()]
      // A lost worker cannot answer; its subtasks died with it.
      .filter((w) => deps.workers.get(w))
      .map((w) => sendWorkerCommand(deps, w, { type: 'stop', job_id: jobId, run_id: run.runId, mode })),
  );
  for (const r of results) if (r.status === 'rejected') deps.log.warn({ err: r.reason, job_id: jobId }, 'stopping a subtask failed');
  if (run.plan.edges.length > 0) {
    await deleteDataStream(deps.jsm, deps.subjects, jobId, run.runId).catch((err) =>
      deps.log.warn({ err, job_id: jobId }, 'deleting the data stream failed'),
    );
  }
  deps.runs.delete(jobId);
}

/** Only a graceful stop drains; every other job stop mode stops subtasks at once. */
export const teardownActor = (deps: ControllerDeps) =>
  fromPromise<unknown, TeardownInput>(({ input }) => stopRun(deps, input.job_id, input.mode === 'graceful' ? 'graceful' : 'immediate'));
