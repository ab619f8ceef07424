// Finishing: every source has ended; wait until every subtask has flushed its sinks, then
// release the run's shuffle stream.

import { fromPromise } from 'xstate';
import type { ControllerDeps } from '../src/controller/deps.js';
import { InternalError } from '../src/errors.js';
import type { JobContext } from '../machines/job.js';
import { stopRun } from './teardown.js';

export const finishActor = (deps: ControllerDeps) =>
  fromPromise<unknown, JobContext>(async ({ input }) => {
    const run = deps.runs.get(input.job_id);
    if (!run) throw new InternalError(`job ${input.job_id} is finishing but has no run`);
    await run.allFinished;
    await stopRun(deps, input.job_id, 'immediate');
  });
