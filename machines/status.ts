// Maps the 14 fine-grained job states onto seed 001's six coarse statuses, which is all the API and
// `rivulet list --status` speak.

import type { JobState, JobStatus } from '../src/wire.js';
import type { JobContext } from './job.js';

export type StatusContext = Pick<JobContext, 'stop_reason' | 'started_at' | 'finished_at'>;

/**
 * Edge cases, decided here once:
 * - Compiling/Scheduling are `submitted` on the way to a first Running, but `running` when the job
 *   has been running in its current lifetime (started_at set, finished_at clear) and is only being
 *   redeployed by a recovery, rescale or restart, so a hiccup does not make a job look new.
 *   After RESUME/RESTART, finished_at is still set until Running, so they read `submitted`.
 * - Stopping and CheckpointStopping stay `running` until the run is actually down, even for a
 *   cancel: the status must not claim "cancelled" while subtasks may still emit.
 * - Stopped is `cancelled` for a cancel and `paused` for a resumable stop (reason `stop`).
 * - Failing is already `failed`: the outcome is decided, only cleanup is left.
 */
export function jobStatus(state: JobState, ctx: StatusContext): JobStatus {
  switch (state) {
    case 'Created':
      return 'submitted';
    case 'Compiling':
    case 'Scheduling':
      return ctx.started_at !== null && ctx.finished_at === null ? 'running' : 'submitted';
    case 'Running':
    case 'Rescaling':
    case 'Restarting':
    case 'Recovering':
    case 'Finishing':
    case 'CheckpointStopping':
    case 'Stopping':
      return 'running';
    case 'Stopped':
      return ctx.stop_reason === 'cancel' ? 'cancelled' : 'paused';
    case 'Finished':
      return 'finished';
    case 'Failing':
    case 'Failed':
      return 'failed';
  }
}
