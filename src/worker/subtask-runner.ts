// The data path of one operator subtask: input (a source, or the shuffle reader) → the fused
// operator chain → outputs (sinks and/or shuffle writers), plus its part in checkpoints. It is a
// plain async loop; the subtask machine (actors/subtask.ts) starts and stops it. Batches never
// become XState events.

import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { RecordBatch } from 'apache-arrow';
import type { Logger } from 'pino';
import type { CheckpointStore, SubtaskSnapshot } from '../checkpoint/store.js';
import { createSink, createSource } from '../connectors/registry.js';
import type { ConnectorContext, Sink, Source, SourceContext, SourcePosition } from '../connectors/types.js';
import { ShuffleReader } from '../dataflow/shuffle/reader.js';
import { ShuffleWriter } from '../dataflow/shuffle/writer.js';
import { asJobFailure } from '../errors.js';
import { JsPublisher } from '../nats/js-publisher.js';
import { buildChain, type TaskChain } from '../operators/chain.js';
import type { PhysicalTask } from '../types.js';
import { subjects, type CheckpointAckMsg, type DeployMsg, type StopMode, type SubtaskMetrics } from '../wire.js';
import { BadRecordLog } from './bad-records.js';
import { TaskOutputs } from './outputs.js';
import { RestoredState } from './restore.js';
import { cachedUdfs } from '../spec/sql-spec.js';
import { EventTimeTracker, WATERMARK_INTERVAL_MS } from './event-time.js';
import { Serial } from './serial.js';
import { newDense, record, toSparse } from '../metrics/histogram.js';

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
  private readonly log: Logger;
  private source: Source | null = null;
  private sinks: Sink[] = [];
  private reader: ShuffleReader | null = null;
  private outputs: TaskOutputs | null = null;
  private publisher: JsPublisher | null = null;
  private readonly abort = new AbortController();
  private readonly badRecords: BadRecordLog;
  private readonly serial = new Serial();
  /** Source position that goes with the last batch processed (what a checkpoint stores). */
  private sourcePosition: SourcePosition = undefined;
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
    // A multi-input first operator (a join) needs each input's schema: the upstream task's output.
    const inputSchemas = task.inputs.map((e) => ({ i: e.input_index, schema: deploy.plan.tasks.find((t) => t.task_id === e.from_task)!.outputSchema }));
    const schemas = inputSchemas.sort((a, b) => a.i - b.i).map((x) => x.schema);
    this.chain = buildChain(
      task,
      {
        subtaskIndex: index,
        parallelism: task.parallelism,
        onLateRows: (n) => {
          this.counters.late_records += n;
        },
        // Loaded by the worker before deploying (see worker.ts).
        udfs: deploy.spec.udfs === undefined ? undefined : cachedUdfs(deploy.spec.udfs),
      },
      schemas.length > 0 ? schemas : undefined,
    );
    this.badRecords = new BadRecordLog(this.log);
    this.counters = {
      job_id: deploy.job_id,
      run_id: deploy.run_id,
      task_id: task.task_id,
      subtask_index: index,
      records_in: 0,
      records_out: 0,
      batches_in: 0,
      batches_out: 0,
      bytes_in: 0,
      bytes_out: 0,
      deserialization_errors: 0,
      backpressure_events: 0,
      late_records: 0,
    };
    this.latency = this.chain.sinks.length > 0 ? newDense() : null;
    const first = task.operators[0];
    if (first?.kind === 'source' && first.event_time) this.eventTime = new EventTimeTracker(first.event_time);
  }

  /** What heartbeats report: the counters, with backpressure and latency read where they are kept. */
  get metrics(): SubtaskMetrics {
    const c = this.counters;
    if (this.publisher) {
      c.backpressure_events = this.publisher.waits;
      c.backpressure_ms = Math.round(this.publisher.blockedMs());
    }
    if (this.latency) c.latency = toSparse(this.latency);
    return c;
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

    const s = subjects(deploy.prefix);
    const base: ConnectorContext = {
      jobId: deploy.job_id,
      runId: deploy.run_id,
      taskId: task.task_id,
      subtaskIndex: index,
      parallelism: task.parallelism,
      nc: deps.nc,
      prefix: deploy.prefix,
      log: this.log,
    };
    this.sinks = chain.sinks.map((spec) => createSink(spec));
    for (const [i, sink] of this.sinks.entries()) {
      await sink.open({ ...base, schema: task.outputSchema });
      const pending = restored?.sinkPending(chain.sinkNodes[i]!, index, task.parallelism) ?? [];
      // Output of the restored checkpoint that may not have been committed before the failure.
      if (sink.recover && pending.length > 0) await sink.recover(pending);
    }
    const writers = task.outputs.map((edge) => {
      this.publisher ??= new JsPublisher(deps.nc, { window: 64 });
      return new ShuffleWriter({
        publisher: this.publisher,
        subjects: s,
        jobId: deploy.job_id,
        runId: deploy.run_id,
        edge,
        targetParallelism: this.parallelismOf(edge.to_task),
        fromIndex: index,
        schema: task.outputSchema,
        batchSize: deploy.spec.config.batch_size,
        lingerMs: deploy.spec.config.linger_ms,
      });
    });
    this.outputs = new TaskOutputs(this.sinks, writers);

    if (task.inputs.length > 0) {
      this.reader = new ShuffleReader({
        js: deps.js,
        jsm: deps.jsm,
        subjects: s,
        stream: s.data.stream(deploy.job_id, deploy.run_id),
        jobId: deploy.job_id,
        runId: deploy.run_id,
        taskId: task.task_id,
        index,
        inputs: task.inputs.map((edge) => ({ edge, senders: this.parallelismOf(edge.from_task) })),
      });
      await this.reader.start();
    }
    if (chain.source) {
      const source = createSource(chain.source, restored?.source(chain.sourceNode!));
      this.source = source;
      this.sourcePosition = source.position();
      const ctx: SourceContext = {
        ...base,
        batchSize: deploy.spec.config.batch_size,
        lingerMs: deploy.spec.config.linger_ms,
        emit: (batch) => {
          // Read now: the position must cover exactly this batch (see Source.position()).
          const position = source.position();
          // Latency is measured from here, the moment the source hands the batch over.
          const origin = Date.now();
          return this.serial.run(() => (this.holding ? this.released : this.process(batch, 0, position, undefined, origin)));
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
          if (due !== null) void this.serial.run(() => this.watermark(due)).catch((err) => this.failed(asJobFailure(err)));
        }, Math.min(WATERMARK_INTERVAL_MS, et.idleTimeoutMs));
      }
    }
  }

  /** Runs until the input ends (every source done, or end-of-stream from every sender). */
  async runInput(): Promise<void> {
    const input = this.reader
      ? this.reader.run(
          (batch, bytes, input, origin) => this.process(batch, bytes, undefined, input, origin),
          (epoch, ref, alignmentMs) => this.snapshot(epoch, ref, alignmentMs),
          (watermark) => this.watermark(watermark),
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
    await this.watermark(Infinity);
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
    const { chain } = this;
    const t0 = performance.now();
    const snap: SubtaskSnapshot = { sources: {}, operators: {}, sinks: {} };
    if (chain.sourceNode) snap.sources[chain.sourceNode] = this.sourcePosition;
    chain.operators.forEach((op, i) => {
      if (op.snapshot) snap.operators[chain.operatorNodes[i]!] = op.snapshot();
    });
    for (const [i, sink] of this.sinks.entries()) {
      if (sink.preCommit) snap.sinks[chain.sinkNodes[i]!] = await sink.preCommit(epoch);
    }
    // writeSnapshot serializes `snap` before its first await, so from here on state may change:
    // processing goes on (we leave the serial section) while the object store write completes,
    // and the checkpoint is acknowledged once it has (an asynchronous snapshot, as Flink's).
    const write = this.deps.store.writeSnapshot(this.deploy.job_id, ref, this.task.task_id, this.index, snap);
    for (const w of this.outputs!.writers) await w.barrier(epoch, ref);
    const t1 = performance.now();
    this.lastEpoch = epoch;
    void write.then(
      (bytes) =>
        this.deps.ack({
          job_id: this.deploy.job_id,
          run_id: this.deploy.run_id,
          epoch,
          task_id: this.task.task_id,
          subtask_index: this.index,
          bytes,
          alignment_ms: Math.round(alignmentMs * 100) / 100,
          sync_ms: Math.round((t1 - t0) * 100) / 100,
          async_ms: Math.round((performance.now() - t1) * 100) / 100,
        }),
      (err) => this.failed(asJobFailure(err)),
    );
  }

  private clearTimer(): void {
    if (this.watermarkTimer) clearInterval(this.watermarkTimer);
    this.watermarkTimer = null;
  }

  /** Event time advanced (or, at a source, went idle): operators emit what it completes, then it goes downstream. */
  private async watermark(watermark: number | 'idle'): Promise<void> {
    if (watermark !== 'idle') {
      for (const out of this.chain.runWatermark(watermark)) await this.emit(out);
    }
    for (const w of this.outputs!.writers) await w.watermark(watermark);
  }

  /** `origin` is known for output of an input batch, not for what a watermark releases. */
  private async emit(out: RecordBatch, origin?: number): Promise<void> {
    this.counters.records_out += out.numRows;
    this.counters.batches_out++;
    await this.outputs!.write(out, origin);
    this.counters.bytes_out = this.outputs!.bytesOut;
    if (this.latency && origin !== undefined) record(this.latency, Date.now() - origin);
  }

  private async process(batch: RecordBatch, bytes: number, position?: SourcePosition, input?: number, origin?: number): Promise<void> {
    try {
      if (position !== undefined) this.sourcePosition = position;
      this.counters.records_in += batch.numRows;
      this.counters.batches_in++;
      this.counters.bytes_in += bytes;
      const out = this.chain.run(batch, input);
      if (out) await this.emit(out, origin);
      const wm = this.eventTime?.observe(batch);
      if (wm !== undefined && wm !== null) await this.watermark(wm);
    } catch (err) {
      const e = asJobFailure(err);
      this.failed(e);
      throw e;
    }
  }

  private parallelismOf(taskId: string): number {
    const t = this.deploy.plan.tasks.find((x) => x.task_id === taskId);
    if (!t) throw new Error(`plan has no task ${taskId}`);
    return t.parallelism;
  }
}
