// The controller: holds every job's XState actor, tracks workers, turns worker events into job
// events, coordinates checkpoints and serves the request-reply API. It talks to workers only over
// NATS, and keeps job records in KV so that a restarted controller re-adopts its jobs.

import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { Service } from '@nats-io/services';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { sendWorkerCommand } from '../../actors/worker-command.js';
import { stopRun } from '../../actors/teardown.js';
import { startHttpServer } from '../api/http/server.js';
import { sqlQueryApi } from '../api/queries.js';
import { startApiService, type JobApi } from '../api/service.js';
import { JobStore } from '../checkpoint/job-store.js';
import { CheckpointStore } from '../checkpoint/store.js';
import { deleteDataStream } from '../dataflow/shuffle/stream.js';
import { InternalError } from '../errors.js';
import { decodeControl, encodeControl } from '../nats/codec.js';
import type { JobSpec } from '../types.js';
import { subjects, type CheckpointAckMsg, type HeartbeatMsg, type RegisterMsg, type TaskEventMsg } from '../wire.js';
import type { ControllerDeps } from './deps.js';
import { JobFactory } from './job-factory.js';
import type { JobRecord } from './job-record.js';
import { jobsApi } from './jobs-api.js';
import { Observability } from './observability.js';
import { WorkerRegistry } from './workers.js';

export interface ControllerOptions {
  nc: NatsConnection;
  prefix: string;
  log: Logger;
  /** A worker silent this long is lost; default 5000 ms. */
  heartbeatTimeoutMs?: number;
  workerWaitMs?: number;
  /** Jobs not at rest allowed at once; one more submit (or resume, restart) is a 429. Default 64. */
  maxRunningJobs?: number;
  /** A preview job stops itself this long after it started running; default 60 s (seed 000). */
  previewTtlMs?: number;
  /** HTTP API port (0: any free one); absent or negative: no HTTP server. */
  httpPort?: number;
  /** Default 127.0.0.1. */
  httpHost?: string;
  /** Bearer token the HTTP API requires (RIVULET_API_TOKEN); none: open. */
  apiToken?: string;
}

export const DEFAULT_MAX_RUNNING_JOBS = 64;
export const DEFAULT_PREVIEW_TTL_MS = 60_000;

export interface ControllerHandle {
  jobs: Map<string, JobRecord>;
  workers: WorkerRegistry;
  /** job_id → its current run (placement and subtask status). */
  runs: ControllerDeps['runs'];
  api: JobApi;
  /** The HTTP API's address when one is served. */
  http: { url: string; port: number } | null;
  /** Stops serving; `abandon` leaves runs alone (as a crash would), else they are stopped. */
  stop(opts?: { abandon?: boolean }): Promise<void>;
}

export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 15_000;

export async function startController(o: ControllerOptions): Promise<ControllerHandle> {
  const { nc, log, prefix } = o;
  // Bound first: a port in use fails the start before any job is adopted.
  const http = o.httpPort !== undefined && o.httpPort >= 0 ? await startHttpServer({ port: o.httpPort, log, ...(o.httpHost ? { host: o.httpHost } : {}), ...(o.apiToken ? { token: o.apiToken } : {}) }) : null;
  const s = subjects(prefix);
  // 15 s: a worker busy in a long synchronous step (capturing a large snapshot, a major GC)
  // sends no heartbeat meanwhile; at 5 s such a pause got it declared lost (Flink waits 50 s).
  const workers = new WorkerRegistry(Date.now, o.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS);
  const [store, jobStore] = await Promise.all([CheckpointStore.open(nc, prefix), JobStore.open(nc, prefix)]);
  const jobs = new Map<string, JobRecord>();
  const deps: ControllerDeps = {
    nc,
    jsm: await jetstreamManager(nc),
    subjects: s,
    prefix,
    workers,
    log,
    store,
    runs: new Map(),
    workerWaitMs: o.workerWaitMs ?? 15_000,
    commandTimeoutMs: 30_000,
    previewTtlMs: o.previewTtlMs ?? DEFAULT_PREVIEW_TTL_MS,
    onRun: (jobId, run) => jobs.get(jobId)?.trackRun(run),
    restorePointOf: (jobId) => jobs.get(jobId)?.restorePoint ?? null,
    lastEpochOf: (jobId) => jobs.get(jobId)?.checkpoints.lastEpoch ?? 0,
    finalCheckpoint: async (jobId) => {
      const job = jobs.get(jobId);
      const run = deps.runs.get(jobId);
      if (!job || !run) throw new InternalError(`job ${jobId} has no run to checkpoint`);
      await job.checkpoints.trigger(run, { kind: 'checkpoint', thenStop: true });
    },
  };
  // The job log stream exists before the first job (re-adopted ones included) writes to it.
  const observability = await Observability.open({ jsm: deps.jsm, prefix, log, workers });
  deps.journal = observability.journal;
  const factory = new JobFactory(deps, jobs, jobStore, () => syncRun);

  /**
   * A subtask can fail or a short bounded job end before the controller has seen every deploy
   * reply (still Scheduling), when the machine would ignore the signal. So the run's state is
   * re-checked on every task event and on every job transition.
   */
  function syncRun(job: JobRecord): void {
    const run = deps.runs.get(job.job_id);
    if (!run) return;
    const live = job.state === 'Running' || job.state === 'Finishing';
    if (live && run.failure && !run.failureReported) {
      run.failureReported = true;
      const f = run.failure;
      job.actor.send({ type: 'TASK_FAILED', error: { message: f.message, domain: f.domain as 'user' | 'external' | 'internal', retryable: f.retryable } });
      return;
    }
    if (job.state === 'Running' && run.sourcesDone()) job.actor.send({ type: 'SOURCES_FINISHED' });
    if (job.state === 'Finishing' && run.allDone()) job.actor.send({ type: 'ALL_FINISHED' });
  }

  const onTaskEvent = (ev: TaskEventMsg) => {
    const job = jobs.get(ev.job_id);
    const run = deps.runs.get(ev.job_id);
    if (!job || !run || run.runId !== ev.run_id) return;
    if (run.onEvent(ev)) {
      log.warn({ job_id: ev.job_id, task_id: ev.task_id, subtask: ev.subtask_index, error: ev.error }, 'subtask failed');
      observability.journal.subtaskFailed(ev.job_id, ev.task_id, ev.subtask_index, ev.error);
    }
    syncRun(job);
  };

  /** Subtasks a worker still runs for a run the controller no longer knows: stop them. */
  const reaping = new Set<string>();
  const reapOrphans = (hb: HeartbeatMsg) => {
    for (const m of hb.subtasks) {
      const run = deps.runs.get(m.job_id);
      const key = `${hb.worker_id}/${m.job_id}/${m.run_id}`;
      if ((run && run.runId === m.run_id) || reaping.has(key)) continue;
      reaping.add(key);
      log.warn({ worker_id: hb.worker_id, job_id: m.job_id, run_id: m.run_id }, 'stopping orphaned subtasks');
      sendWorkerCommand(deps, hb.worker_id, { type: 'stop', job_id: m.job_id, run_id: m.run_id, mode: 'immediate' })
        .then(() => deleteDataStream(deps.jsm, s, m.job_id, m.run_id))
        .catch((err) => log.warn({ err }, 'stopping orphaned subtasks failed'))
        .finally(() => setTimeout(() => reaping.delete(key), 5000));
    }
  };

  const subs: Subscription[] = [
    nc.subscribe(s.control.register, {
      callback: (err, msg) => {
        if (err) return;
        const reg = decodeControl<RegisterMsg>(msg.data);
        workers.register(reg);
        log.info({ worker_id: reg.worker_id, slots: reg.slots, pid: reg.pid }, 'worker registered');
        msg.respond(encodeControl({ ok: true }));
      },
    }),
    nc.subscribe(s.control.heartbeat, {
      callback: (err, msg) => {
        if (err) return;
        const hb = decodeControl<HeartbeatMsg>(msg.data);
        if (!workers.heartbeat(hb)) return;
        for (const m of hb.subtasks) deps.runs.get(m.job_id)?.observe(m);
        reapOrphans(hb);
      },
    }),
    nc.subscribe(s.control.taskEvents, {
      callback: (err, msg) => {
        if (!err) onTaskEvent(decodeControl<TaskEventMsg>(msg.data));
      },
    }),
    nc.subscribe(s.control.checkpointAcks, {
      callback: (err, msg) => {
        if (err) return;
        const ack = decodeControl<CheckpointAckMsg>(msg.data);
        jobs.get(ack.job_id)?.checkpoints.onAck(ack);
      },
    }),
  ];

  const tick = setInterval(() => {
    for (const lost of workers.reapLost()) {
      log.warn({ worker_id: lost.worker_id }, 'worker lost: no heartbeat');
      for (const [jobId, run] of deps.runs) {
        if (run.usesWorker(lost.worker_id)) jobs.get(jobId)?.actor.send({ type: 'WORKER_LOST', worker_id: lost.worker_id });
      }
    }
    const now = Date.now();
    for (const job of jobs.values()) job.sampleThroughput(now);
    observability.tick(jobs.values());
  }, 1000);

  await nc.flush();
  // Workers that were up before this controller register again.
  nc.publish(s.control.broadcast, encodeControl({ type: 'register' }));
  await factory.adoptAll();

  const api: JobApi = {
    ...jobsApi({
      prefix,
      jobs,
      runs: deps.runs,
      store,
      maxRunningJobs: o.maxRunningJobs ?? DEFAULT_MAX_RUNNING_JOBS,
      createJob: (spec: JobSpec) => factory.create(`job-${randomUUID()}`, spec),
      forget: async (job) => {
        job.checkpoints.stopPeriodic();
        job.actor.stop();
        jobs.delete(job.job_id);
        await jobStore.delete(job.job_id);
        await store.deleteJob(job.job_id);
        // Commit markers of its exactly-once sinks (keys `<job_id>.<task>.<subtask>.<epoch>`).
        await deps.jsm.streams.purge(`KV_${s.buckets.sinkCommits}`, { filter: `$KV.${s.buckets.sinkCommits}.${job.job_id}.>` }).catch(() => undefined);
        await observability.forget(job.job_id);
      },
    }),
    ...observability.api(jobs),
  };
  const service: Service = await startApiService(nc, prefix, api, log);
  if (http) {
    http.attach({ api, queries: sqlQueryApi(prefix), nc });
    log.info({ url: http.url, auth: Boolean(o.apiToken) }, 'HTTP API listening');
  }

  return {
    jobs,
    workers,
    runs: deps.runs,
    api,
    http: http && { url: http.url, port: http.port },
    async stop(opts = {}) {
      await http?.close();
      clearInterval(tick);
      factory.previews.clearAll();
      await service.stop().catch(() => undefined);
      for (const sub of subs) sub.unsubscribe();
      for (const job of jobs.values()) job.checkpoints.stopPeriodic();
      if (!opts.abandon) await Promise.all([...deps.runs.keys()].map((id) => stopRun(deps, id, 'immediate').catch(() => undefined)));
      for (const job of jobs.values()) job.actor.stop();
    },
  };
}

