// The data path of one operator subtask: input (a source, or the shuffle reader) → the fused
// operator chain → outputs (sinks and/or shuffle writers), plus its part in checkpoints. It is a
// plain async loop; the subtask machine (actors/subtask.ts) starts and stops it. Batches never
// become XState events. SubtaskRunner coordinates: the chain and the path of batches through it
// are in subtask-data-path.ts, its connections are made in subtask-io.ts, what a checkpoint takes
// from it is in subtask-snapshot.ts, its counters in subtask-metrics.ts.

import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { CheckpointStore } from '../checkpoint/store.js';
import { createSource } from '../connectors/registry.js';
import type { ConnectorContext, Sink, Source, SourceContext } from '../connectors/types.js';
import type { ShuffleReader } from '../dataflow/shuffle/reader.js';
import { asJobFailure } from '../errors.js';
import type { JsPublisher } from '../nats/js-publisher.js';
import type { TaskChain } from '../operators/chain.js';
import type { PhysicalTask } from '../types.js';
import type { CheckpointAckMsg, DeployMsg, StopMode, SubtaskMetrics } from '../wire.js';
import { BadRecordLog } from './bad-records.js';
import { TaskOutputs } from './outputs.js';
import { RestoredState } from './restore.js';
import { EventTimeTracker, WATERMARK_INTERVAL_MS } from './event-time.js';
import { Serial } from './serial.js';
import { newDense } from '../metrics/histogram.js';
import { buildSubtaskChain, DataPath } from './subtask-data-path.js';
import { connectorContext, createShuffleReader, createShuffleWriters, openSinks } from './subtask-io.js';
import { newCounters, readMetrics } from './subtask-metrics.js';
import { captureState, checkpointAck } from './subtask-snapshot.js';

export interface RunnerDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  store: CheckpointStore;
  log: Logger;
  /** Reports this subtask's part of a checkpoint to the controller. */
  ack(msg: Omit<CheckpointAckMsg, 'worker_id'>): void;
}

export class SubtaskRunner {
  /** Plain counters the data path increments (never per row); `metrics` adds the rest. */
  private readonly counters: SubtaskMetrics;
  /** Sink subtasks: end-to-end latency of each batch written (src/metrics/histogram.ts). */
  private readonly latency: Float64Array | null;
  private readonly chain: TaskChain;
  /** Runs batches and watermarks through the chain; made by open(), once the outputs are. */
  private path!: DataPath;
  private readonly log: Logger;
  private source: Source | null = null;
  private sinks: Sink[] = [];
  private reader: ShuffleReader | null = null;
  private outputs: TaskOutputs | null = null;
  private publisher: JsPublisher | null = null;
  private readonly abort = new AbortController();
  private readonly badRecords: BadRecordLog;
  private readonly serial = new Serial();
  /** Newest checkpoint epoch this subtask took part in (or restored from). */
  private lastEpoch = 0;
  /** After a then_stop checkpoint: source batches wait for `released` (the stop) and are dropped. */
  private holding = false;
  private release!: () => void;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));
  /** Source subtasks with event time: where watermarks come from. */
  private eventTime: EventTimeTracker | null = null;
  private watermarkTimer: NodeJS.Timeout | null = null;
  private failed!: (err: unknown) => void;
  /** Rejects when the data path fails anywhere (a source's emit, an operator, a sink). */
  private readonly failure = new Promise<never>((_, reject) => (this.failed = reject));

  constructor(
    private readonly deps: RunnerDeps,
    private readonly deploy: DeployMsg,
    private readonly task: PhysicalTask,
    private readonly index: number,
  ) {
    this.failure.catch(() => undefined); // observed by runInput(); avoid an unhandled rejection before
    this.log = deps.log.child({ job_id: deploy.job_id, task_id: task.task_id, subtask: index });
    this.chain = buildSubtaskChain(deploy, task, index, (n) => {
      this.counters.late_records += n;
    });
    this.badRecords = new BadRecordLog(this.log);
    this.counters = newCounters(deploy, task, index);
    this.latency = this.chain.sinks.length > 0 ? newDense() : null;
    const first = task.operators[0];
    if (first?.kind === 'source' && first.event_time) this.eventTime = new EventTimeTracker(first.event_time);
  }

  /** What heartbeats report: the counters, with backpressure and latency read where they are kept. */
  get metrics(): SubtaskMetrics {
    return readMetrics(this.counters, this.publisher, this.latency);
  }

  get isSource(): boolean {
    return this.chain.source !== null;
  }

  /** Restores state, opens outputs, then inputs. When it resolves, a source is consuming. */
  async open(): Promise<void> {
    const { deploy, task, index, deps, chain } = this;
    const restored = deploy.restore ? await RestoredState.load(deps.store, deploy.restore, task.node_ids) : null;
    // Epochs this run makes up (the final commit of a bounded job) must not reuse a number.
    this.lastEpoch = Math.max(deploy.epoch_floor, restored?.epoch ?? 0);
    chain.operators.forEach((op, i) => {
      if (restored && op.restore) op.restore(restored.operator(chain.operatorNodes[i]!));
    });

    const base = connectorContext(deploy, task, index, deps.nc, this.log);
    this.sinks = await openSinks(chain, task, index, base, restored);
    const { writers, publisher } = createShuffleWriters(deps.nc, deploy, task, index);
    this.publisher = publisher;
    this.outputs = new TaskOutputs(this.sinks, writers);
    this.path = new DataPath(chain, this.outputs, this.counters, this.latency, this.eventTime, (err) => this.failed(err));

    this.reader = createShuffleReader(deps.js, deps.jsm, deploy, task, index);
    if (this.reader) await this.reader.start();
    if (chain.source) await this.startSource(createSource(chain.source, restored?.source(chain.sourceNode!)), base);
  }

  /** Starts the source, whose batches go through the serial section; with event time, the watermark timer too. */
  private async startSource(source: Source, base: ConnectorContext): Promise<void> {
    const { deploy } = this;
    this.source = source;
    this.path.sourcePosition = source.position();
    const ctx: SourceContext = {
      ...base,
      batchSize: deploy.spec.config.batch_size,
      lingerMs: deploy.spec.config.linger_ms,
      emit: (batch) => {
        // Read now: the position must cover exactly this batch (see Source.position()).
        const position = source.position();
        // Latency is measured from here, the moment the source hands the batch over.
        const origin = Date.now();
        return this.serial.run(() => (this.holding ? this.released : this.path.process(batch, 0, position, undefined, origin)));
      },
      reportBadRecord: (reason, raw) => {
        this.counters.deserialization_errors++;
        this.badRecords.report(reason, raw);
      },
      signal: this.abort.signal,
    };
    await source.start(ctx);
    const et = this.eventTime;
    if (et) {
      this.watermarkTimer = setInterval(() => {
        const due = et.tick();
        if (due !== null) void this.serial.run(() => this.path.watermark(due)).catch((err) => this.failed(asJobFailure(err)));
      }, Math.min(WATERMARK_INTERVAL_MS, et.idleTimeoutMs));
    }
  }

  /** Runs until the input ends (every source done, or end-of-stream from every sender). */
  async runInput(): Promise<void> {
    const input = this.reader
      ? this.reader.run(
          (batch, bytes, input, origin) => this.path.process(batch, bytes, undefined, input, origin),
          (epoch, ref, alignmentMs) => this.snapshot(epoch, ref, alignmentMs),
          (watermark) => this.path.watermark(watermark),
        )
      : this.source!.done;
    try {
      await Promise.race([input, this.failure]);
    } catch (err) {
      if (this.abort.signal.aborted) return; // stopped on purpose: the input was cut off
      this.log.error({ err }, 'data path failed');
      throw asJobFailure(err);
    }
  }

  /**
   * A source subtask is told to start checkpoint `epoch`: it snapshots and injects the barrier.
   * With `thenStop` (a stop's final checkpoint) it then holds every later batch until the stop
   * arrives: the source stops pulling, and nothing past the checkpoint reaches a sink.
   */
  checkpoint(epoch: number, ref: string, thenStop = false): Promise<void> {
    return this.serial
      .run(async () => {
        await this.snapshot(epoch, ref, 0);
        if (thenStop) this.holding = true;
      })
      .catch((err) => this.failed(asJobFailure(err)));
  }

  /** Checkpoint `epoch` completed everywhere: transactional sinks make its output visible. */
  async commit(epoch: number): Promise<void> {
    for (const sink of this.sinks) if (sink.commit) await sink.commit(epoch);
  }

  /** After the input ended: commits what transactional sinks hold, flushes, ends downstream. */
  async finishOutputs(): Promise<void> {
    this.clearTimer();
    // End of input closes every window: event time jumps to the end of time.
    await this.path.watermark(Infinity);
    const finalEpoch = this.lastEpoch + 1;
    for (const sink of this.sinks) {
      if (sink.preCommit && sink.commit) {
        await sink.preCommit(finalEpoch);
        await sink.commit(finalEpoch);
      }
    }
    await Promise.race([this.outputs!.finish(), this.failure]);
    await this.outputs!.close();
    await this.publisher?.close();
  }

  /** Stops the data path. `graceful` drains a source's pending rows first. */
  async stop(mode: StopMode): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    this.release();
    this.clearTimer();
    await this.source?.stop(mode === 'graceful').catch((err) => this.log.warn({ err }, 'source stop failed'));
    await this.reader?.stop();
    if (mode === 'graceful') await this.outputs?.finish().catch((err) => this.log.warn({ err }, 'flush on stop failed'));
    await this.outputs?.close();
    await this.publisher?.close({ flush: false }).catch(() => undefined);
  }

  /** Snapshots this subtask's state for `epoch`, forwards the barrier, stores, acknowledges. */
  private async snapshot(epoch: number, ref: string, alignmentMs: number): Promise<void> {
    const { chain, deploy, task, index } = this;
    const t0 = performance.now();
    const snap = await captureState(chain, this.path.sourcePosition);
    for (const [i, sink] of this.sinks.entries()) {
      if (sink.preCommit) snap.sinks[chain.sinkNodes[i]!] = await sink.preCommit(epoch);
    }
    // writeSnapshot serializes `snap` before its first await, so from here on state may change:
    // processing goes on (we leave the serial section) while the object store write completes,
    // and the checkpoint is acknowledged once it has (an asynchronous snapshot, as Flink's).
    const write = this.deps.store.writeSnapshot(deploy.job_id, ref, task.task_id, index, snap);
    for (const w of this.outputs!.writers) await w.barrier(epoch, ref);
    const t1 = performance.now();
    this.lastEpoch = epoch;
    void write.then(
      (bytes) => this.deps.ack(checkpointAck(deploy, task, index, epoch, bytes, { alignmentMs, syncMs: t1 - t0, asyncMs: performance.now() - t1 })),
      (err) => this.failed(asJobFailure(err)),
    );
  }

  private clearTimer(): void {
    if (this.watermarkTimer) clearInterval(this.watermarkTimer);
    this.watermarkTimer = null;
  }
}
