// Creates job actors: a fresh one for a submitted spec, or one re-adopted from the job store after
// a controller restart. Wires each to inspection, central transition logging, checkpointing and
// persistence.

import { createActor, type Actor } from 'xstate';
import { compileActorFor, effectiveSpec } from '../../actors/compile.js';
import { finishActor } from '../../actors/finish.js';
import { scheduleActor } from '../../actors/schedule.js';
import { teardownActor } from '../../actors/teardown.js';
import { jobMachine, type FailureInfo, type JobMachine } from '../../machines/job.js';
import { observeTransitions } from '../../machines/observe.js';
import type { JobStore, StoredJob } from '../checkpoint/job-store.js';
import { toRestoreRef } from '../checkpoint/meta.js';
import { encodeJson } from '../nats/codec.js';
import type { JobSpec } from '../types.js';
import type { JobState, RestoreRef } from '../wire.js';
import { CheckpointCoordinator } from './checkpoints.js';
import type { ControllerDeps } from './deps.js';
import { createInspector } from './inspect.js';
import { JobRecord } from './job-record.js';
import { PreviewTimers } from './preview.js';
import { parseRestartStrategy } from './restart-strategy.js';

/** States a re-adopted job cannot resume in place: its run was the old controller's. */
const LIVE = new Set<JobState>(['Created', 'Compiling', 'Scheduling', 'Running', 'Rescaling', 'Restarting', 'Recovering', 'Finishing']);

export class JobFactory {
  private readonly machine: JobMachine;
  readonly previews: PreviewTimers;

  constructor(
    private readonly deps: ControllerDeps,
    private readonly jobs: Map<string, JobRecord>,
    private readonly store: JobStore,
    private readonly syncRun: () => (job: JobRecord) => void,
  ) {
    this.previews = new PreviewTimers(deps.previewTtlMs, deps.log);
    this.machine = jobMachine.provide({
      actors: { compile: compileActorFor(deps.prefix), schedule: scheduleActor(deps), teardown: teardownActor(deps), finish: finishActor(deps) },
    });
  }

  /** A new job, in Created. */
  create(jobId: string, spec: JobSpec): JobRecord {
    const job = this.build(jobId, spec, Date.now(), 0, null);
    this.deps.journal?.write(jobId, 'info', `job "${spec.name}" submitted`);
    return job;
  }

  /** Re-adopts every stored job; live ones recover from their last checkpoint. */
  async adoptAll(): Promise<void> {
    for (const stored of await this.store.list()) {
      try {
        await this.adopt(stored);
      } catch (err) {
        this.deps.log.error({ err, job_id: stored.job_id }, 'cannot re-adopt job');
      }
    }
  }

  private async adopt(stored: StoredJob): Promise<void> {
    const metas = await this.deps.store.listMeta(stored.job_id);
    const lastEpoch = metas.reduce((n, m) => Math.max(n, m.epoch), 0);
    const saved = stored.context.restore_point as RestoreRef | null | undefined;
    const latest = await this.deps.store.latestCompleted(stored.job_id);
    // The stored restore point wins (it may be a savepoint chosen for a restart); else the newest.
    const restore = saved ?? (latest ? toRestoreRef(latest) : null);
    const state = stored.state as JobState;
    const job = this.build(stored.job_id, stored.spec as JobSpec, stored.submitted_at, lastEpoch, { state, context: stored.context });
    job.restorePoint = restore;
    this.deps.log.info({ job_id: stored.job_id, state, restore_epoch: restore?.epoch ?? null }, 're-adopted job');
    if (state === 'Created') job.actor.send({ type: 'START' });
    else if (LIVE.has(state)) {
      const error: FailureInfo = { message: 'controller restarted: recovering from the last checkpoint', domain: 'external', retryable: true };
      job.actor.send({ type: 'TASK_FAILED', error });
    }
  }

  private build(jobId: string, spec: JobSpec, submittedAt: number, lastEpoch: number, adopted: { state: JobState; context: Record<string, unknown> } | null): JobRecord {
    const { deps } = this;
    const s = deps.subjects;
    const restartStrategy = spec.config.restart_strategy === undefined ? undefined : parseRestartStrategy(spec.config.restart_strategy, 'config.restart_strategy');
    const input = { job_id: jobId, spec, ...(restartStrategy ? { restartStrategy } : {}) };
    const inspect = createInspector((ev) => deps.nc.publish(s.inspect(jobId), encodeJson({ job_id: jobId, ...ev })), { idPrefix: `controller/${jobId}` });
    let actor: Actor<JobMachine>;
    if (adopted) {
      // Live states come back as Running, then fail over into Recovering (see adopt()).
      const value = adopted.state === 'Created' ? 'Created' : LIVE.has(adopted.state) ? 'Running' : adopted.state === 'Stopping' || adopted.state === 'CheckpointStopping' ? 'Stopped' : adopted.state === 'Failing' ? 'Failed' : adopted.state;
      const fresh = createActor(this.machine, { input }).getSnapshot().context;
      const snapshot = this.machine.resolveState({ value, context: { ...fresh, ...adopted.context, now: Date.now } as typeof fresh, ...(value === 'Finished' ? { status: 'done' as const } : {}) });
      actor = createActor(this.machine, { input, snapshot, inspect });
    } else {
      actor = createActor(this.machine, { input, inspect });
    }
    const checkpoints = new CheckpointCoordinator(deps, deps.store, jobId, lastEpoch, (ref) => {
      job.restorePoint = ref;
      this.persist(job);
    });
    const job = new JobRecord(jobId, spec, submittedAt, actor, checkpoints);
    observeTransitions(actor, { log: deps.log.child({ job_id: jobId }), now: Date.now, name: `job ${jobId}` });
    let previous = job.state;
    let previousStatus = job.status;
    actor.subscribe({
      next: () => {
        const state = job.state;
        if (state !== previous) this.onStateChange(job, previous, state);
        // A cancel of a paused job changes the status alone; the record must remember it too.
        else if (job.status !== previousStatus) this.persist(job);
        previous = state;
        previousStatus = job.status;
        this.syncRun()(job);
      },
      error: (err) => deps.log.error({ err, job_id: jobId }, 'job actor crashed'),
    });
    this.jobs.set(jobId, job);
    actor.start();
    this.persist(job);
    return job;
  }

  private onStateChange(job: JobRecord, from: JobState, to: JobState): void {
    this.deps.journal?.transition(job.job_id, from, to, job.actor.getSnapshot().context.failure?.message ?? null);
    this.previews.onState(job, to);
    if (to === 'Running') {
      const run = this.deps.runs.get(job.job_id);
      const spec = effectiveSpec(job.actor.getSnapshot().context);
      if (run) job.checkpoints.startPeriodic(run, spec.config.checkpoint_interval_ms);
    } else if (from === 'Running') {
      job.checkpoints.stopPeriodic();
      // Stops that checkpoint first let the one in flight finish; everything else drops it.
      if (to !== 'CheckpointStopping' && to !== 'Rescaling' && to !== 'Restarting') job.checkpoints.abort(`job went ${to}`);
    }
    this.persist(job);
  }

  private persist(job: JobRecord): void {
    this.store.put(job.stored()).catch((err) => this.deps.log.warn({ err, job_id: job.job_id }, 'cannot store job record'));
  }
}
