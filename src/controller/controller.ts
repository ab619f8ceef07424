// The controller: holds every job's XState actor, tracks workers, turns worker events into job
// events and serves the request-reply API. It talks to workers only over NATS.

import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { Service } from '@nats-io/services';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { createActor } from 'xstate';
import { compileActor } from '../../actors/compile.js';
import { finishActor } from '../../actors/finish.js';
import { scheduleActor } from '../../actors/schedule.js';
import { stopRun, teardownActor } from '../../actors/teardown.js';
import { jobMachine } from '../../machines/job.js';
import { observeTransitions } from '../../machines/observe.js';
import { startApiService, type JobApi } from '../api/service.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { decodeControl, encodeControl, encodeJson } from '../nats/codec.js';
import { validateJobSpec } from '../spec/validate.js';
import type { JobSpec } from '../types.js';
import { subjects, type CancelResponse, type HeartbeatMsg, type RegisterMsg, type TaskEventMsg } from '../wire.js';
import type { ControllerDeps } from './deps.js';
import { createInspector } from './inspect.js';
import { JobRecord } from './job-record.js';
import { parseRestartStrategy } from './restart-strategy.js';
import { WorkerRegistry } from './workers.js';

export interface ControllerOptions {
  nc: NatsConnection;
  prefix: string;
  log: Logger;
  /** A worker silent this long is lost; default 5000 ms. */
  heartbeatTimeoutMs?: number;
  workerWaitMs?: number;
}

export interface ControllerHandle {
  jobs: Map<string, JobRecord>;
  workers: WorkerRegistry;
  /** job_id → its current run (placement and subtask status). */
  runs: ControllerDeps['runs'];
  api: JobApi;
  stop(): Promise<void>;
}

const TERMINAL = new Set(['Stopped', 'Finished', 'Failed']);

export async function startController(o: ControllerOptions): Promise<ControllerHandle> {
  const { nc, log, prefix } = o;
  const s = subjects(prefix);
  const workers = new WorkerRegistry(Date.now, o.heartbeatTimeoutMs ?? 5000);
  const jobs = new Map<string, JobRecord>();
  const deps: ControllerDeps = {
    nc,
    jsm: await jetstreamManager(nc),
    subjects: s,
    prefix,
    workers,
    log,
    runs: new Map(),
    workerWaitMs: o.workerWaitMs ?? 15_000,
    commandTimeoutMs: 30_000,
    onRun: (jobId, run) => jobs.get(jobId)?.trackRun(run),
  };

  const machine = jobMachine.provide({
    actors: { compile: compileActor, schedule: scheduleActor(deps), teardown: teardownActor(deps), finish: finishActor(deps) },
  });

  function createJob(spec: JobSpec): JobRecord {
    const job_id = `job-${randomUUID()}`;
    const restartStrategy = spec.config.restart_strategy === undefined ? undefined : parseRestartStrategy(spec.config.restart_strategy, 'config.restart_strategy');
    const actor = createActor(machine, {
      input: { job_id, spec, ...(restartStrategy ? { restartStrategy } : {}) },
      inspect: createInspector((ev) => nc.publish(s.inspect(job_id), encodeJson({ job_id, ...ev })), { idPrefix: `controller/${job_id}` }),
    });
    observeTransitions(actor, { log: log.child({ job_id }), now: Date.now, name: `job ${job_id}` });
    const job = new JobRecord(job_id, spec, Date.now(), actor);
    actor.subscribe({ next: () => syncRun(job), error: (err) => log.error({ err, job_id }, 'job actor crashed') });
    jobs.set(job_id, job);
    actor.start();
    return job;
  }

  function getJob(jobId: string): JobRecord {
    const job = jobs.get(jobId);
    if (!job) throw new NotFoundError(`no job with id "${jobId}"`);
    return job;
  }

  /** Resolves when the job's actor reaches one of `states` (or rejects after timeoutMs). */
  function waitForState(job: JobRecord, states: Set<string>, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!states.has(job.state)) return false;
        sub?.unsubscribe();
        clearTimeout(timer);
        resolve();
        return true;
      };
      const timer = setTimeout(() => {
        sub.unsubscribe();
        reject(new Error(`job ${job.job_id} did not reach ${[...states].join('/')} within ${timeoutMs} ms (state ${job.state})`));
      }, timeoutMs);
      const sub = job.actor.subscribe(() => void check());
      check();
    });
  }

  const api: JobApi = {
    async submit(body) {
      const spec = validateJobSpec(body, { prefix });
      const job = createJob(spec);
      job.actor.send({ type: 'START' });
      return { job_id: job.job_id, status: job.status, state: job.state, submitted_at: new Date(job.submitted_at).toISOString(), message: 'Job submitted successfully' };
    },
    list(req) {
      const now = Date.now();
      const all = [...jobs.values()]
        .filter((j) => !req.status || j.status === req.status)
        .sort((a, b) => b.submitted_at - a.submitted_at || a.job_id.localeCompare(b.job_id));
      return { jobs: all.slice(req.offset, req.offset + req.limit).map((j) => j.summary(now)), total: all.length, limit: req.limit, offset: req.offset };
    },
    get(jobId) {
      return getJob(jobId).details(Date.now());
    },
    async cancel(jobId): Promise<CancelResponse> {
      const job = getJob(jobId);
      if (TERMINAL.has(job.state)) throw new ConflictError(`job ${jobId} is ${job.state} (${job.status}); only a live job can be cancelled`);
      job.actor.send({ type: 'STOP', mode: 'immediate', reason: 'cancel' });
      await waitForState(job, TERMINAL, 60_000);
      if (job.status !== 'cancelled') throw new ConflictError(`job ${jobId} ended as ${job.status} before the cancel took effect`);
      return { job_id: jobId, status: 'cancelled', cancelled_at: new Date().toISOString() };
    },
  };

  const onTaskEvent = (ev: TaskEventMsg) => {
    const job = jobs.get(ev.job_id);
    const run = deps.runs.get(ev.job_id);
    if (!job || !run || run.runId !== ev.run_id) return;
    if (run.onEvent(ev)) log.warn({ job_id: ev.job_id, task_id: ev.task_id, subtask: ev.subtask_index, error: ev.error }, 'subtask failed');
    syncRun(job);
  };

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
      },
    }),
    nc.subscribe(s.control.taskEvents, {
      callback: (err, msg) => {
        if (!err) onTaskEvent(decodeControl<TaskEventMsg>(msg.data));
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
  }, 1000);

  const service: Service = await startApiService(nc, prefix, api, log);
  await nc.flush();
  // Workers that were up before this controller register again.
  nc.publish(s.control.broadcast, encodeControl({ type: 'register' }));

  return {
    jobs,
    workers,
    runs: deps.runs,
    api,
    async stop() {
      clearInterval(tick);
      await service.stop().catch(() => undefined);
      for (const sub of subs) sub.unsubscribe();
      await Promise.all([...deps.runs.keys()].map((id) => stopRun(deps, id, 'immediate').catch(() => undefined)));
      for (const job of jobs.values()) job.actor.stop();
    },
  };
}
