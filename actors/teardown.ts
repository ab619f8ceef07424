// Stopping a run: every worker hosting one of its subtasks stops them; then the run's shuffle
// stream is deleted so nothing of it can be read again.

import { fromPromise } from 'xstate';
import type { ControllerDeps } from '../src/controller/deps.js';
import { deleteDataStream } from '../src/dataflow/shuffle/stream.js';
import type { TeardownInput } from '../machines/job.js';
import type { StopMode } from '../src/wire.js';
import { sendWorkerCommand } from './worker-command.js';

export async function stopRun(deps: ControllerDeps, jobId: string, mode: StopMode, opts: { wait?: boolean } = {}): Promise<void> {
  const run = deps.runs.get(jobId);
  if (!run) return;
  const stopping = Promise.allSettled(
    [...run.workers()]
      // A lost worker cannot answer; its subtasks died with it.
      .filter((w) => deps.workers.get(w))
      .map((w) => sendWorkerCommand(deps, w, { type: 'stop', job_id: jobId, run_id: run.runId, mode })),
  );
  const results = opts.wait === false ? [] : await stopping;
  for (const r of results) if (r.status === 'rejected') deps.log.warn({ err: r.reason, job_id: jobId }, 'stopping a subtask failed');
  if (run.plan.edges.length > 0) {
    await deleteDataStream(deps.jsm, deps.subjects, jobId, run.runId).catch((err) =>
      deps.log.warn({ err, job_id: jobId }, 'deleting the data stream failed'),
    );
  }
  deps.runs.delete(jobId);
}

/**
 * Arroyo's stop modes: `checkpoint` takes a final checkpoint (its output committed) and then
 * stops; `graceful` drains sources and flushes; `immediate` and `force` stop at once (force does
 * not wait for workers to confirm). A failed final checkpoint fails the teardown (retryable), and
 * the machine falls back to a plain stop.
 */
export const teardownActor = (deps: ControllerDeps) =>
  fromPromise<unknown, TeardownInput>(async ({ input }) => {
    if (input.mode === 'checkpoint' && deps.runs.has(input.job_id)) await deps.finalCheckpoint(input.job_id);
    await stopRun(deps, input.job_id, input.mode === 'graceful' ? 'graceful' : 'immediate', { wait: input.mode !== 'force' });
  });
