// Compiling: the validated spec becomes a logical graph, then a physical plan.

import { fromPromise } from 'xstate';
import { buildLogicalGraph } from '../src/dataflow/logical.js';
import { buildPhysicalPlan } from '../src/dataflow/physical.js';
import type { JobContext } from '../machines/job.js';
import type { JobSpec, PhysicalPlan } from '../src/types.js';

export function compileJob(spec: JobSpec): PhysicalPlan {
  return buildPhysicalPlan(buildLogicalGraph(spec));
}

export const compileActor = fromPromise<unknown, JobContext>(async ({ input }) => compileJob(input.spec));
