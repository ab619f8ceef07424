// `rivulet run query.sql` (seed 002, Arroyo's `arroyo run`): validate the query, start the
// embedded stack on the state directory, resume the pipeline stored there when it is this query
// (refuse another one unless --force), wait until Running, print where to watch it; on Ctrl-C take
// a final checkpoint and stop, so running the same query again continues exactly where it stopped.

import { ApiError, RivuletClient } from '../api/client.js';
import { validateQuery } from '../api/queries.js';
import { cachedUdfs, compileSqlSpec, type DefaultSink } from '../spec/sql-spec.js';
import { validateJobSpecAsync } from '../spec/validate.js';
import type { Stack } from '../stack.js';
import { subjects, type JobDetails, type JobState } from '../wire.js';
import { untilSignal } from './options.js';
import { followOutput } from './output.js';
import { pipelineHash, readQuery, readTextFile } from './run-query.js';
import { startRunStack, type RunStackOptions } from './run-stack.js';
import { describePipeline, planStart, storedPipelines, type StartPlan } from './run-state.js';

/** Ends the command with this exit code; the message (if any) is printed on stderr. */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface RunSqlOptions extends RunStackOptions {
  name: string;
  parallelism: number;
  force: boolean;
  /** The query file; stdin when absent. */
  queryFile: string | undefined;
  udfsFile: string | undefined;
}

/** A bare SELECT prints here: the workers' stdout is ours. */
const DEFAULT_SINK: DefaultSink = 'stdout';
const AT_REST: readonly JobState[] = ['Stopped', 'Finished', 'Failed'];
const note = (text: string) => void process.stderr.write(`${text}\n`);

export async function runSql(o: RunSqlOptions): Promise<void> {
  const query = await readQuery(o.queryFile);
  const udfs = o.udfsFile === undefined ? undefined : readTextFile(o.udfsFile, 'UDF module');
  // Before anything is started: problems come back in milliseconds.
  const { errors } = await validateQuery({ query, parallelism: o.parallelism, ...(udfs !== undefined ? { udfs } : {}) }, o.prefix);
  if (errors.length > 0) {
    note(`the query has ${errors.length === 1 ? '1 problem' : `${errors.length} problems`}:`);
    for (const e of errors) note(`${e.line}:${e.column}: ${e.message}`);
    throw new CommandFailed('');
  }
  const spec = { name: o.name, query, config: { parallelism: o.parallelism }, default_sink: DEFAULT_SINK, ...(udfs !== undefined ? { udfs } : {}) };
  // The rest of the spec (e.g. the name) is checked here too, as submit will.
  await validateJobSpecAsync(spec, { prefix: o.prefix });
  const hash = pipelineHash({ query, parallelism: o.parallelism, udfs, default_sink: DEFAULT_SINK });

  const signal = untilSignal();
  let signalled = false;
  void signal.promise.then(() => (signalled = true));
  let stack: Stack | undefined;
  try {
    stack = await startRunStack(o);
    if (signalled) return;
    // Long timeout: a stop replies only once the final checkpoint is written and the run is down.
    const client = new RivuletClient(stack.nc, o.prefix, 150_000);
    const where = o.natsUrl ? `prefix "${o.prefix}" on ${o.natsUrl}` : o.stateDir;
    const plan = planStart(await storedPipelines(client, stack.nc, o.prefix), hash, o.force);
    const jobId = await start(client, plan, spec, where);
    const unfollow = followPreview(stack, o, query, udfs, jobId);
    try {
      const running = await Promise.race([untilRunning(client, jobId), signal.promise]);
      if (typeof running === 'string') return await stopWithCheckpoint(client, jobId);
      if (AT_REST.includes(running.state)) return report(running);
      note(
        `pipeline "${o.name}" is ${running.state} as ${jobId}; ` +
          `watch it: rivulet jobs get ${jobId} --nats ${stack.natsUrl} --prefix ${o.prefix} | nats sub '${subjects(o.prefix).inspect(jobId)}' -s ${stack.natsUrl}; ` +
          'Ctrl-C stops it with a final checkpoint (run the same query again to continue)',
      );
      const ended = await Promise.race([signal.promise, waitForEnd(client, jobId)]);
      if (typeof ended === 'string') await stopWithCheckpoint(client, jobId);
      else report(ended);
    } finally {
      unfollow();
    }
  } finally {
    signal.dispose();
    await stack?.stop();
  }
}

async function start(client: RivuletClient, plan: StartPlan, spec: Record<string, unknown>, where: string): Promise<string> {
  switch (plan.kind) {
    case 'resume':
      note(`pipeline already exists as ${describePipeline(plan.job)}; resuming it from its last checkpoint`);
      await client.resume(plan.job.job_id);
      return plan.job.job_id;
    case 'restart':
      note(`pipeline already exists as ${describePipeline(plan.job)}; restarting it from its last checkpoint`);
      await client.restart(plan.job.job_id);
      return plan.job.job_id;
    case 'attach':
      note(`pipeline already exists as ${describePipeline(plan.job)} and is live`);
      return plan.job.job_id;
    case 'refuse':
      throw new CommandFailed(
        `the state in ${where} is for a different pipeline: ${plan.others.map(describePipeline).join(', ')}\n` +
          'exiting... if you would like to continue (cancelling and forgetting it), pass --force',
      );
    case 'submit':
      for (const old of plan.forget) await forget(client, old.job_id, old.state, describePipeline(old));
      {
        const submitted = await client.submit(spec);
        note(`created pipeline "${String(spec.name)}" as ${submitted.job_id}`);
        return submitted.job_id;
      }
  }
}

/** --force: the other pipeline is cancelled if live, then deleted with its checkpoints. */
async function forget(client: RivuletClient, jobId: string, state: JobState, what: string): Promise<void> {
  note(`the state is for a different pipeline, ${what}; --force: cancelling and forgetting it`);
  if (!AT_REST.includes(state)) await client.cancel(jobId).catch(ignoreConflict);
  try {
    await client.deleteJob(jobId);
  } catch (err) {
    // A controller without jobs.delete: the cancelled job stays stored, but a cancelled job is never resumed.
    note(`could not delete ${jobId}: ${(err as Error).message}`);
  }
}

function ignoreConflict(err: unknown): void {
  if (!(err instanceof ApiError && err.code === 409)) throw err;
}

/** The job once Running (or at rest: finished already, or failed on the way). */
async function untilRunning(client: RivuletClient, jobId: string): Promise<JobDetails> {
  try {
    return await client.waitForState(jobId, ['Running', 'Finishing', 'Finished'], 120_000);
  } catch (err) {
    const job = await client.get(jobId);
    if (AT_REST.includes(job.state)) return job;
    throw err;
  }
}

function waitForEnd(client: RivuletClient, jobId: string): Promise<JobDetails> {
  return client.waitForState(jobId, ['Finished', 'Failed', 'Stopped'], 365 * 24 * 3600_000);
}

async function stopWithCheckpoint(client: RivuletClient, jobId: string): Promise<void> {
  note('stopping with a final checkpoint…');
  try {
    const stopped = await client.stop(jobId, 'checkpoint');
    const { checkpoints } = await client.listCheckpoints(jobId);
    const last = checkpoints.filter((c) => c.status === 'completed').reduce((n, c) => Math.max(n, c.epoch), 0);
    note(`pipeline ${stopped.state} (${stopped.status}) at checkpoint ${last}; run the same query again to continue from it`);
  } catch (err) {
    // Already at rest (a bounded query finished meanwhile): nothing to stop.
    if (err instanceof ApiError && err.code === 409) note(`not stopped: ${err.message}`);
    else throw err;
  }
}

function report(job: JobDetails): void {
  if (job.state === 'Failed') throw new CommandFailed(`pipeline failed: ${job.failure_message ?? 'unknown error'}`);
  note(job.state === 'Finished' ? 'pipeline finished' : `pipeline ${job.state} (${job.status}) from elsewhere`);
}

/** A query that writes to the preview sink: its records are printed here too. */
function followPreview(stack: Stack, o: RunSqlOptions, query: string, udfs: string | undefined, jobId: string): () => void {
  const graph = compileSqlSpec({ query, default_sink: DEFAULT_SINK }, { parallelism: o.parallelism, prefix: o.prefix, udfs: udfs === undefined ? undefined : cachedUdfs(udfs) });
  const preview = graph.nodes.some((n) => n.op.kind === 'sink' && n.op.sink.type === 'preview');
  if (!preview) return () => undefined;
  return followOutput(stack.nc, [subjects(o.prefix).output(jobId)], (_s, text) => process.stdout.write(`${text}\n`));
}
