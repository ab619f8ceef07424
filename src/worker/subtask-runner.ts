// The data path of one operator subtask: input (a source, or the shuffle reader) → the fused
// operator chain → outputs (sinks and/or shuffle writers). It is a plain async loop; the subtask
// machine (actors/subtask.ts) starts and stops it. Batches never become XState events.

import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { RecordBatch } from 'apache-arrow';
import type { Logger } from 'pino';
import { createSink, createSource } from '../connectors/registry.js';
import type { ConnectorContext, Source, SourceContext } from '../connectors/types.js';
import { ShuffleReader } from '../dataflow/shuffle/reader.js';
import { ShuffleWriter } from '../dataflow/shuffle/writer.js';
import { asJobFailure } from '../errors.js';
import { JsPublisher } from '../nats/js-publisher.js';
import { buildChain, type TaskChain } from '../operators/chain.js';
import type { PhysicalTask } from '../types.js';
import { subjects, type DeployMsg, type StopMode, type SubtaskMetrics } from '../wire.js';
import { BadRecordLog } from './bad-records.js';
import { TaskOutputs } from './outputs.js';

export interface RunnerDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  log: Logger;
}

export class SubtaskRunner {
  readonly metrics: SubtaskMetrics;
  private readonly chain: TaskChain;
  private readonly log: Logger;
  private source: Source | null = null;
  private reader: ShuffleReader | null = null;
  private outputs: TaskOutputs | null = null;
  private publisher: JsPublisher | null = null;
  private readonly abort = new AbortController();
  private readonly badRecords: BadRecordLog;
  private failed!: (err: unknown) => void;
  /** Rejects when the data path fails anywhere (a source's emit, an operator, a sink). */
  private readonly failure = new Promise<never>((_, reject) => (this.failed = reject));

  constructor(
    private readonly deps: RunnerDeps,
    private readonly deploy: DeployMsg,
    private readonly task: PhysicalTask,
    private readonly index: number,
  ) {
    this.failure.catch(() => undefined); // observed by run(); avoid an unhandled rejection before
    this.log = deps.log.child({ job_id: deploy.job_id, task_id: task.task_id, subtask: index });
    this.chain = buildChain(task);
    this.badRecords = new BadRecordLog(this.log);
    this.metrics = {
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
    };
  }

  get isSource(): boolean {
    return this.chain.source !== null;
  }

  /** Opens outputs, then inputs. When it resolves, a source is consuming. */
  async open(): Promise<void> {
    const { deploy, task, index, deps } = this;
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
    const sinks = this.chain.sinks.map((spec) => createSink(spec));
    for (const sink of sinks) await sink.open({ ...base, schema: task.outputSchema });
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
    this.outputs = new TaskOutputs(sinks, writers);

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
    if (this.chain.source) {
      this.source = createSource(this.chain.source);
      const ctx: SourceContext = {
        ...base,
        batchSize: deploy.spec.config.batch_size,
        lingerMs: deploy.spec.config.linger_ms,
        emit: (batch) => this.process(batch, 0),
        reportBadRecord: (reason, raw) => {
          this.metrics.deserialization_errors++;
          this.badRecords.report(reason, raw);
        },
        signal: this.abort.signal,
      };
      await this.source.start(ctx);
    }
  }

  /** Runs until the input ends (every source done, or end-of-stream from every sender). */
  async runInput(): Promise<void> {
    const input = this.reader
      ? this.reader.run((batch, bytes) => this.process(batch, bytes))
      : this.source!.done;
    try {
      await Promise.race([input, this.failure]);
    } catch (err) {
      this.log.error({ err }, 'data path failed');
      throw asJobFailure(err);
    }
  }

  /** After the input ended: flushes sinks and sends end-of-stream downstream. */
  async finishOutputs(): Promise<void> {
    await Promise.race([this.outputs!.finish(), this.failure]);
    await this.outputs!.close();
    await this.publisher?.close();
  }

  /** Stops the data path. `graceful` drains a source's pending rows first. */
  async stop(mode: StopMode): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    await this.source?.stop(mode === 'graceful').catch((err) => this.log.warn({ err }, 'source stop failed'));
    await this.reader?.stop();
    if (mode === 'graceful') await this.outputs?.finish().catch((err) => this.log.warn({ err }, 'flush on stop failed'));
    await this.outputs?.close();
    await this.publisher?.close().catch(() => undefined);
  }

  private async process(batch: RecordBatch, bytes: number): Promise<void> {
    try {
      this.metrics.records_in += batch.numRows;
      this.metrics.batches_in++;
      this.metrics.bytes_in += bytes;
      const out = this.chain.run(batch);
      if (!out) return;
      this.metrics.records_out += out.numRows;
      this.metrics.batches_out++;
      await this.outputs!.write(out);
      this.metrics.bytes_out = this.outputs!.bytesOut;
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
