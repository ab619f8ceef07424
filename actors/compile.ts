// Compiling: the validated spec (at the parallelism the job runs with now) becomes a logical
// graph, then a physical plan. A SQL job (`spec.query`) is compiled from its query text, the
// JSON form from its sources, transformations and sinks.

import { fromPromise } from 'xstate';
import { RecompileRequiredError, type JobContext } from '../machines/job.js';
import { buildLogicalGraph } from '../src/dataflow/logical.js';
import { buildPhysicalPlan } from '../src/dataflow/physical.js';
import { cachedUdfs, compileSqlSpec, loadUdfsCached, type SqlJobSpec } from '../src/spec/sql-spec.js';
import type { JobSpec, LogicalGraph, PhysicalPlan, SinkSpec } from '../src/types.js';
import { DEFAULT_PREFIX } from '../src/wire.js';

/**
 * The plan of a spec. `prefix` is the deployment's subject prefix: the SQL compiler refuses
 * connector subjects under it, as submit did. Synchronous, because the schedule actor re-plans
 * a rescale with it; a SQL job's UDF module must therefore be loaded already (the compile actor
 * does that) — if this process has not loaded it, the job is sent back to Compiling.
 */
export function compileJob(spec: JobSpec, prefix: string = DEFAULT_PREFIX): PhysicalPlan {
  return buildPhysicalPlan(logicalGraphOf(spec, prefix));
}

export function logicalGraphOf(spec: JobSpec, prefix: string = DEFAULT_PREFIX): LogicalGraph {
  if (spec.query === undefined) return buildLogicalGraph(spec.preview ? { ...spec, sinks: [PREVIEW_SINK] } : spec);
  const udfs = spec.udfs === undefined ? undefined : cachedUdfs(spec.udfs);
  if (spec.udfs !== undefined && !udfs) throw new RecompileRequiredError('the job\'s UDF module is not loaded in this controller yet');
  const graph = compileSqlSpec(spec as SqlJobSpec, { parallelism: spec.config.parallelism, prefix, udfs });
  return spec.preview ? previewSinks(graph) : graph;
}

const PREVIEW_SINK: SinkSpec = { type: 'preview', config: {} };

/** A preview job writes nowhere but its preview subject: every sink node becomes a preview sink. */
function previewSinks(graph: LogicalGraph): LogicalGraph {
  const nodes = graph.nodes.map((n) => (n.op.kind === 'sink' ? { ...n, name: 'preview-sink', op: { kind: 'sink' as const, sink: PREVIEW_SINK } } : n));
  return { ...graph, nodes };
}

/** The spec with a rescale's or restart's parallelism applied. */
export function effectiveSpec(ctx: Pick<JobContext, 'spec' | 'parallelism'>): JobSpec {
  if (ctx.parallelism === null || ctx.parallelism === ctx.spec.config.parallelism) return ctx.spec;
  return { ...ctx.spec, config: { ...ctx.spec.config, parallelism: ctx.parallelism } };
}

/** The compile actor of a deployment: loads a SQL job's UDF module, then plans. */
export function compileActorFor(prefix: string) {
  return fromPromise<unknown, JobContext>(async ({ input }) => {
    const spec = effectiveSpec(input);
    if (spec.udfs !== undefined) await loadUdfsCached(spec.udfs);
    return compileJob(spec, prefix);
  });
}

/** For the default prefix; a deployment with its own prefix uses compileActorFor(prefix). */
export const compileActor = compileActorFor(DEFAULT_PREFIX);
