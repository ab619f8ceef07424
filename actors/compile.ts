// Compiling: the validated spec (at the parallelism the job runs with now) becomes a logical
// graph, then a physical plan.

import { fromPromise } from 'xstate';
import type { JobContext } from '../machines/job.js';
import { buildLogicalGraph } from '../src/dataflow/logical.js';
import { buildPhysicalPlan } from '../src/dataflow/physical.js';
import type { JobSpec, PhysicalPlan } from '../src/types.js';

export function compileJob(spec: JobSpec): PhysicalPlan {
  return buildPhysicalPlan(buildLogicalGraph(spec));
}

/** The spec with a rescale's or restart's parallelism applied. */
export function effectiveSpec(ctx: Pick<JobContext, 'spec' | 'parallelism'>): JobSpec {
  if (ctx.parallelism === null || ctx.parallelism === ctx.spec.config.parallelism) return ctx.spec;
  return { ...ctx.spec, config: { ...ctx.spec.config, parallelism: ctx.parallelism } };
}

export const compileActor = fromPromise<unknown, JobContext>(async ({ input }) => compileJob(effectiveSpec(input)));
