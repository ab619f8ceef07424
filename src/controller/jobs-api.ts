// The controller's side of the request-reply API: what each operation does to a job. Request
// bodies arrive validated (src/api/requests.ts).

import type { ObservabilityApi } from '../api/observability.js';
import type { JobApi } from '../api/service.js';
import { toCheckpointDetails, toCheckpointSummary, toRestoreRef, toSavepoint } from '../checkpoint/meta.js';
import type { CheckpointStore } from '../checkpoint/store.js';
import { ConflictError, LimitExceededError, NotFoundError } from '../errors.js';
import { validateJobSpec } from '../spec/validate.js';
import type { JobSpec } from '../types.js';
import type { JobState, JobStopMode } from '../wire.js';
import { listJobs } from './job-list.js';
import { jobOutput } from './job-output.js';
import type { JobRecord } from './job-record.js';
import type { JobRun } from './run.js';

const TERMINAL = new Set<JobState>(['Stopped', 'Finished', 'Failed']);
const iso = (ms = Date.now()) => new Date(ms).toISOString();
/** How many of the newest checkpoints `get` shows. */
const DETAILS_CHECKPOINTS = 5;

export interface JobsApiDeps {
  prefix: string;
  jobs: Map<string, JobRecord>;
  runs: Map<string, JobRun>;
  store: CheckpointStore;
  /** Jobs not at rest (Stopped, Finished, Failed) allowed at once; starting one more is a 429. */
  maxRunningJobs: number;
  createJob(spec: JobSpec): JobRecord;
  /** Removes a job at rest for good: its actor, record, checkpoints, savepoints, sink markers. */
  forget(job: JobRecord): Promise<void>;
}

/** Everything but the observability ops (src/controller/observability.ts answers those). */
export function jobsApi(d: JobsApiDeps): Omit<JobApi, keyof ObservabilityApi> {
  const getJob = (jobId: string): JobRecord => {
    const job = d.jobs.get(jobId);
    if (!job) throw new NotFoundError(`no job with id "${jobId}"`);
    return job;
  };
  const runningRun = (job: JobRecord, what: string): JobRun => {
    const run = d.runs.get(job.job_id);
    if (job.state !== 'Running' || !run) throw new ConflictError(`job ${job.job_id} is ${job.state}; ${what} needs a Running job`);
    return run;
  };

  /** Submit, resume and restart from rest start a job: refused at the running-job limit. */
  const checkRunningLimit = () => {
    let live = 0;
    for (const j of d.jobs.values()) if (!TERMINAL.has(j.state)) live++;
    if (live >= d.maxRunningJobs) {
      throw new LimitExceededError(`${live} jobs are running, the limit (max_running_jobs) is ${d.maxRunningJobs}: stop, cancel or wait for one to end first`);
    }
  };

  /** Sends a stop and waits until the job has come to rest. */
  const stopJob = async (job: JobRecord, mode: JobStopMode, reason: 'cancel' | 'stop') => {
    if (TERMINAL.has(job.state)) throw new ConflictError(`job ${job.job_id} is ${job.state} (${job.status}); only a live job can be stopped`);
    job.actor.send({ type: 'STOP', mode, reason });
    await waitForState(job, TERMINAL, 120_000);
  };

  return {
    async submit(body) {
      const spec = validateJobSpec(body, { prefix: d.prefix });
      checkRunningLimit();
      const job = d.createJob(spec);
      job.actor.send({ type: 'START' });
      return { job_id: job.job_id, status: job.status, state: job.state, submitted_at: iso(job.submitted_at), message: 'Job submitted successfully' };
    },

    list: (req) => listJobs(d.jobs, req),

    async get(jobId) {
      const job = getJob(jobId);
      const metas = await d.store.listMeta(jobId);
      return job.details(Date.now(), metas.slice(-DETAILS_CHECKPOINTS).reverse().map(toCheckpointSummary));
    },

    output: (jobId) => jobOutput(getJob(jobId), d.prefix),

    async cancel(jobId, savepoint) {
      const job = getJob(jobId);
      if (job.state === 'Stopped' && job.status === 'paused') {
        // Nothing runs: the job only stops being resumable (its checkpoints stay for a restart).
        if (savepoint) throw new ConflictError(`job ${jobId} is paused; a savepoint needs a Running job (restart it, or cancel without a savepoint)`);
        job.actor.send({ type: 'CANCEL' });
        return { job_id: jobId, status: 'cancelled', cancelled_at: iso() };
      }
      let savepointId: string | undefined;
      if (savepoint) {
        const meta = await job.checkpoints.trigger(runningRun(job, 'a cancel with savepoint'), { kind: 'savepoint', description: 'taken by cancel' });
        savepointId = meta.savepoint_id!;
      }
      await stopJob(job, 'immediate', 'cancel');
      if (job.status !== 'cancelled') throw new ConflictError(`job ${jobId} ended as ${job.status} before the cancel took effect`);
      return { job_id: jobId, status: 'cancelled', cancelled_at: iso(), ...(savepointId ? { savepoint_id: savepointId } : {}) };
    },

    async stop(jobId, mode) {
      const job = getJob(jobId);
      await stopJob(job, mode, 'stop');
      return { job_id: jobId, status: job.status, state: job.state, stopped_at: iso() };
    },

    async resume(jobId) {
      const job = getJob(jobId);
      if (job.state !== 'Stopped' || job.status !== 'paused') {
        throw new ConflictError(`job ${jobId} is ${job.state} (${job.status}); only a stopped (paused) job can be resumed — use restart for a cancelled or failed one`);
      }
      checkRunningLimit();
      job.actor.send({ type: 'RESUME' });
      return { job_id: jobId, status: job.status, state: job.state, resumed_at: iso() };
    },

    async restart(req) {
      const job = getJob(req.job_id);
      const parallelism = req.config_overrides?.parallelism;
      let fromSavepoint: string | null = null;
      if (req.savepoint_id) {
        const meta = await d.store.getSavepoint(job.job_id, req.savepoint_id);
        if (!meta || meta.status !== 'completed') throw new NotFoundError(`job ${job.job_id} has no savepoint "${req.savepoint_id}"`);
        fromSavepoint = req.savepoint_id;
        if (job.state !== 'Running') job.restorePoint = toRestoreRef(meta);
      }
      if (job.state === 'Running') {
        if (fromSavepoint) throw new ConflictError(`job ${job.job_id} is Running; stop or cancel it before restarting from a savepoint`);
        // A running job rescales or restarts in place, through a checkpoint.
        if (parallelism !== undefined && parallelism !== job.details(Date.now()).config.parallelism) job.actor.send({ type: 'RESCALE', parallelism });
        else job.actor.send({ type: 'RESTART' });
      } else if (job.state === 'Stopped' || job.state === 'Failed') {
        checkRunningLimit();
        job.actor.send({ type: 'RESTART', ...(parallelism !== undefined ? { parallelism } : {}) });
      } else {
        throw new ConflictError(`job ${job.job_id} is ${job.state}; it can be restarted when Running, Stopped or Failed`);
      }
      return {
        job_id: job.job_id,
        status: job.status,
        restarted_at: iso(),
        restored_from_savepoint: fromSavepoint,
        message: fromSavepoint ? `restarting from savepoint ${fromSavepoint}` : job.restorePoint ? `restarting from checkpoint ${job.restorePoint.epoch}` : 'restarting without state (no checkpoint yet)',
      };
    },

    async savepoint(jobId, description) {
      const job = getJob(jobId);
      const meta = await job.checkpoints.trigger(runningRun(job, 'a savepoint'), { kind: 'savepoint', description });
      return toSavepoint(meta, d.store.location(jobId, meta.ref));
    },

    async savepoints(jobId) {
      getJob(jobId);
      const list = await d.store.listSavepoints(jobId);
      return { job_id: jobId, savepoints: list.filter((m) => m.status === 'completed').map((m) => toSavepoint(m, d.store.location(jobId, m.ref))) };
    },

    async deleteSavepoint(jobId, savepointId) {
      getJob(jobId);
      if (!(await d.store.deleteSavepoint(jobId, savepointId))) throw new NotFoundError(`job ${jobId} has no savepoint "${savepointId}"`);
      return { job_id: jobId, savepoint_id: savepointId, deleted: true };
    },

    async checkpoints(jobId) {
      getJob(jobId);
      const list = await d.store.listMeta(jobId);
      return { job_id: jobId, checkpoints: list.map(toCheckpointSummary) };
    },

    async delete(jobId) {
      const job = getJob(jobId);
      if (!TERMINAL.has(job.state)) throw new ConflictError(`job ${jobId} is ${job.state}; stop or cancel it before deleting it`);
      await d.forget(job);
      return { job_id: jobId, deleted: true };
    },

    async checkpointDetails(jobId, epoch) {
      getJob(jobId);
      const meta = await d.store.getMeta(jobId, epoch);
      if (!meta) throw new NotFoundError(`job ${jobId} has no checkpoint ${epoch}`);
      return toCheckpointDetails(meta);
    },
  };
}

/** Resolves when the job's actor reaches one of `states` (or rejects after timeoutMs). */
export function waitForState(job: JobRecord, states: Set<JobState>, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      sub.unsubscribe();
      clearTimeout(timer);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`job ${job.job_id} did not reach ${[...states].join('/')} within ${timeoutMs} ms (state ${job.state})`));
    }, timeoutMs);
    const sub = job.actor.subscribe(() => {
      if (states.has(job.state)) {
        done();
        resolve();
      }
    });
    if (states.has(job.state)) {
      done();
      resolve();
    }
  });
}
