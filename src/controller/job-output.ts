// `jobs.output`: where a job's records go. The sinks come from the plan of its latest run (what
// really runs, preview sinks swapped in), else from planning its spec now.

import { logicalGraphOf } from '../../actors/compile.js';
import { loadUdfsCached } from '../spec/sql-spec.js';
import type { OperatorSpec, SinkSpec } from '../types.js';
import { subjects, type JobOutput, type OutputSink } from '../wire.js';
import type { JobRecord } from './job-record.js';

type SinkNode = { node_id: string; sink: SinkSpec };

const isSink = (op: OperatorSpec): op is Extract<OperatorSpec, { kind: 'sink' }> => op.kind === 'sink';

async function sinkNodes(job: JobRecord, prefix: string): Promise<SinkNode[]> {
  const plan = job.run?.plan;
  if (plan) return plan.tasks.flatMap((t) => t.operators.flatMap((op, i) => (isSink(op) ? [{ node_id: t.node_ids[i]!, sink: op.sink }] : [])));
  // Planning a SQL job needs its UDF module loaded (a re-adopted job may not have run yet).
  if (job.spec.udfs !== undefined) await loadUdfsCached(job.spec.udfs);
  return logicalGraphOf(job.spec, prefix).nodes.flatMap((n) => (isSink(n.op) ? [{ node_id: n.id, sink: n.op.sink }] : []));
}

function describe({ node_id, sink }: SinkNode, jobId: string, prefix: string): OutputSink {
  const config = sink.config as { subject?: string; stream?: string };
  const subject = sink.type === 'preview' ? subjects(prefix).output(jobId) : (config.subject ?? null);
  return { node_id, type: sink.type, subject, stream: config.stream ?? null };
}

export async function jobOutput(job: JobRecord, prefix: string): Promise<JobOutput> {
  const sinks = (await sinkNodes(job, prefix)).map((n) => describe(n, job.job_id, prefix));
  const s = subjects(prefix);
  return {
    job_id: job.job_id,
    preview: job.spec.preview === true,
    preview_subject: sinks.some((k) => k.type === 'preview') ? s.output(job.job_id) : null,
    inspect_subject: s.inspect(job.job_id),
    sinks,
  };
}
