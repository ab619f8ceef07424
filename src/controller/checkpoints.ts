// The checkpoint coordinator of one job: triggers checkpoints (periodically while Running, or on
// demand for savepoints and stop-with-checkpoint), collects every subtask's acknowledgement,
// records the completed checkpoint in KV and only then tells the sinks to commit its output.

import { randomUUID } from 'node:crypto';
import { sendWorkerCommand } from '../../actors/worker-command.js';
import type { CheckpointMeta, CheckpointStore } from '../checkpoint/store.js';
import { ConflictError, ExternalError } from '../errors.js';
import type { CheckpointAckMsg, RestoreRef } from '../wire.js';
import type { ControllerDeps } from './deps.js';
import type { JobRun } from './run.js';

/** How long a checkpoint may take before it is declared failed. */
export const CHECKPOINT_TIMEOUT_MS = 120_000;
/** Completed checkpoints kept per job (savepoints are kept until deleted). */
export const CHECKPOINTS_RETAINED = 3;

export interface CheckpointStats {
  count: number;
  failures: number;
  last_duration_ms: number | null;
}

interface InFlight {
  meta: CheckpointMeta;
  run: JobRun;
  expected: number;
  resolve: (m: CheckpointMeta) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
}

export class CheckpointCoordinator {
  readonly stats: CheckpointStats = { count: 0, failures: 0, last_duration_ms: null };
  private inFlight: InFlight | null = null;
  private periodic: NodeJS.Timeout | null = null;
  /** Settles (never rejects) when the checkpoint in flight completes or fails. */
  private inFlightSettled: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: ControllerDeps,
    private readonly store: CheckpointStore,
    readonly jobId: string,
    /** Newest epoch used by this job (epochs never repeat, across runs too). */
    private epoch: number,
    /** Told of every completed checkpoint: the job's new restore point. */
    private readonly onCompleted: (ref: RestoreRef) => void,
  ) {}

  get lastEpoch(): number {
    return this.epoch;
  }

  /** Periodic checkpoints of `run` every `intervalMs`, until stopPeriodic(). */
  startPeriodic(run: JobRun, intervalMs: number): void {
    this.stopPeriodic();
    this.periodic = setInterval(() => {
      // Skip a tick while one is running or once a subtask finished (it can take no barrier).
      if (this.inFlight || !run.allLive()) return;
      this.trigger(run, { kind: 'checkpoint' }).catch((err) => this.deps.log.warn({ err, job_id: this.jobId }, 'checkpoint failed'));
    }, intervalMs);
  }

  stopPeriodic(): void {
    if (this.periodic) clearInterval(this.periodic);
    this.periodic = null;
  }

  /** Abandons the checkpoint in flight (its run is going away). */
  abort(reason: string): void {
    const f = this.inFlight;
    if (f) this.fail(f, new ExternalError(`checkpoint ${f.meta.epoch} abandoned: ${reason}`));
  }

  /**
   * Takes a checkpoint (or savepoint) of `run` and resolves when it is complete and committed.
   * Waits for one already in flight first.
   */
  /** `thenStop`: the final checkpoint of a stop; sources emit nothing after its barrier (CheckpointCmd.then_stop). */
  async trigger(run: JobRun, opts: { kind: 'checkpoint' | 'savepoint'; description?: string | null; thenStop?: boolean }): Promise<CheckpointMeta> {
    while (this.inFlight) await this.inFlightSettled;
    if (!run.allLive()) throw new ConflictError(`job ${this.jobId} has subtasks that already finished; no checkpoint can be taken`);
    const epoch = ++this.epoch;
    const savepointId = opts.kind === 'savepoint' ? `savepoint-${randomUUID()}` : null;
    const meta: CheckpointMeta = {
      job_id: this.jobId,
      epoch,
      run_id: run.runId,
      kind: opts.kind,
      savepoint_id: savepointId,
      description: opts.description ?? null,
      ref: savepointId ?? `ckpt-${epoch}`,
      status: 'in_progress',
      start_time: Date.now(),
      finish_time: null,
      state_bytes: 0,
      parallelism: Object.fromEntries(run.plan.tasks.map((t) => [t.task_id, t.parallelism])),
      nodes: Object.fromEntries(run.plan.tasks.flatMap((t) => t.node_ids.map((n) => [n, t.task_id]))),
      operators: Object.fromEntries(run.plan.tasks.map((t) => [t.task_id, { name: t.name, subtasks: [] }])),
    };
    await this.store.putMeta(meta);
    const done = new Promise<CheckpointMeta>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(this.inFlight!, new ExternalError(`checkpoint ${epoch} timed out after ${CHECKPOINT_TIMEOUT_MS} ms`)), CHECKPOINT_TIMEOUT_MS);
      this.inFlight = { meta, run, expected: run.assignments.length, resolve, reject, timer };
    });
    this.inFlightSettled = done.then(
      () => undefined,
      () => undefined,
    );
    try {
      // Sources inject the barrier; every other subtask gets it in-band.
      const sourceWorkers = new Set(run.assignments.filter((a) => run.isSourceTask(a.task_id)).map((a) => a.worker_id));
      await Promise.all([...sourceWorkers].map((w) => sendWorkerCommand(this.deps, w, { type: 'checkpoint', job_id: this.jobId, run_id: run.runId, epoch, ref: meta.ref, ...(opts.thenStop ? { then_stop: true } : {}) })));
    } catch (err) {
      this.fail(this.inFlight!, err);
    }
    const completed = await done;
    await this.commit(run, epoch);
    await this.store.gc(this.jobId, CHECKPOINTS_RETAINED).catch((err) => this.deps.log.warn({ err }, 'checkpoint gc failed'));
    return completed;
  }

  onAck(ack: CheckpointAckMsg): void {
    const f = this.inFlight;
    if (!f || ack.epoch !== f.meta.epoch || ack.run_id !== f.run.runId) return;
    if (ack.error) {
      this.fail(f, new ExternalError(`checkpoint ${ack.epoch}: ${ack.task_id}/${ack.subtask_index} failed: ${ack.error}`));
      return;
    }
    const op = f.meta.operators[ack.task_id];
    if (!op || op.subtasks.some((s) => s.index === ack.subtask_index)) return;
    op.subtasks.push({ index: ack.subtask_index, bytes: ack.bytes, alignment_ms: ack.alignment_ms, sync_ms: ack.sync_ms, async_ms: ack.async_ms, finish_time: Date.now() });
    f.meta.state_bytes += ack.bytes;
    const acked = Object.values(f.meta.operators).reduce((n, o) => n + o.subtasks.length, 0);
    if (acked === f.expected) void this.complete(f);
  }

  private async complete(f: InFlight): Promise<void> {
    clearTimeout(f.timer);
    this.inFlight = null;
    f.meta.status = 'completed';
    f.meta.finish_time = Date.now();
    for (const op of Object.values(f.meta.operators)) op.subtasks.sort((a, b) => a.index - b.index);
    try {
      await this.store.putMeta(f.meta);
    } catch (err) {
      f.reject(err);
      return;
    }
    this.stats.count++;
    this.deps.journal?.checkpoint(this.jobId, f.meta);
    this.stats.last_duration_ms = f.meta.finish_time - f.meta.start_time;
    this.onCompleted({ job_id: this.jobId, ref: f.meta.ref, epoch: f.meta.epoch, parallelism: f.meta.parallelism, nodes: f.meta.nodes });
    f.resolve(f.meta);
  }

  private fail(f: InFlight, err: unknown): void {
    if (this.inFlight !== f) return;
    clearTimeout(f.timer);
    this.inFlight = null;
    this.stats.failures++;
    this.deps.journal?.checkpoint(this.jobId, f.meta, err);
    f.meta.status = 'failed';
    f.meta.finish_time = Date.now();
    this.store.putMeta(f.meta).catch(() => undefined);
    f.reject(err);
  }

  /** Tells every worker hosting a sink subtask of the run to publish the epoch's output. */
  private async commit(run: JobRun, epoch: number): Promise<void> {
    const sinkWorkers = new Set(run.assignments.filter((a) => run.isSinkTask(a.task_id)).map((a) => a.worker_id));
    await Promise.all([...sinkWorkers].map((w) => sendWorkerCommand(this.deps, w, { type: 'commit', job_id: this.jobId, run_id: run.runId, epoch })));
  }
}
