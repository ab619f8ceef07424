// Which pipeline the state of `rivulet run` holds (seed 002): the same query is resumed, a
// different one is refused unless --force. The state is the deployment's jobs: job records in KV
// (in the state directory's nats-server, or under the prefix on a given NATS).

import type { NatsConnection } from '@nats-io/nats-core';
import type { RivuletClient } from '../api/client.js';
import { JobStore } from '../checkpoint/job-store.js';
import type { JobSpec } from '../types.js';
import type { JobState, JobStatus, JobSummary } from '../wire.js';
import type { DefaultSink } from '../spec/sql-spec.js';
import { pipelineHash } from './run-query.js';

export interface StoredPipeline {
  job_id: string;
  name: string;
  status: JobStatus;
  state: JobState;
  /** pipelineHash of the job's spec; null for a job of the JSON form. */
  hash: string | null;
}

export type StartPlan =
  /** The same pipeline: `resume` a stopped one, `restart` a failed one, `attach` to a live one. */
  | { kind: 'resume' | 'restart' | 'attach'; job: StoredPipeline }
  /** A new job; `forget` lists the other pipelines to cancel and delete first (--force). */
  | { kind: 'submit'; forget: StoredPipeline[] }
  /** Another pipeline owns the state and --force was not given. */
  | { kind: 'refuse'; others: StoredPipeline[] };

/** Cancelled jobs are forgotten pipelines; a finished one has nothing left to continue. */
const PAST: readonly JobStatus[] = ['cancelled', 'finished'];

export function planStart(jobs: StoredPipeline[], hash: string, force: boolean): StartPlan {
  const current = jobs.filter((j) => !PAST.includes(j.status));
  const same = current.find((j) => j.hash === hash);
  if (same) {
    if (same.state === 'Stopped') return { kind: 'resume', job: same };
    if (same.state === 'Failed') return { kind: 'restart', job: same };
    return { kind: 'attach', job: same };
  }
  if (current.length > 0 && !force) return { kind: 'refuse', others: current };
  return { kind: 'submit', forget: current };
}

/** Every job of the deployment with its pipeline hash (the API lists states; specs come from the job records). */
export async function storedPipelines(client: RivuletClient, nc: NatsConnection, prefix: string): Promise<StoredPipeline[]> {
  const summaries: JobSummary[] = [];
  for (let offset = 0; ; ) {
    const page = await client.list({ limit: 1000, offset });
    summaries.push(...page.jobs);
    offset += page.jobs.length;
    if (page.jobs.length === 0 || offset >= page.total) break;
  }
  if (summaries.length === 0) return [];
  const store = await JobStore.open(nc, prefix);
  return Promise.all(
    summaries.map(async (s) => {
      const spec = (await store.get(s.job_id))?.spec as (JobSpec & { default_sink?: DefaultSink }) | undefined;
      const hash =
        spec?.query === undefined
          ? null
          : pipelineHash({ query: spec.query, parallelism: spec.config.parallelism, udfs: spec.udfs, default_sink: spec.default_sink });
      return { job_id: s.job_id, name: s.name, status: s.status, state: s.state, hash };
    }),
  );
}

export function describePipeline(j: StoredPipeline): string {
  return `${j.job_id} "${j.name}" (${j.state}, ${j.status})`;
}
