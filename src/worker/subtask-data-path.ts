// The fused operator chain of one subtask, and the path of its input through it: a batch is
// counted, run through the chain, its output written to the sinks and/or shuffle writers, and the
// event time it advances sent after it.

import type { RecordBatch } from 'apache-arrow';
import type { SourcePosition } from '../connectors/types.js';
import { asJobFailure } from '../errors.js';
import { record } from '../metrics/histogram.js';
import { buildChain, type TaskChain } from '../operators/chain.js';
import { cachedUdfs } from '../spec/sql-spec.js';
import type { PhysicalTask } from '../types.js';
import type { DeployMsg, SubtaskMetrics } from '../wire.js';
import type { EventTimeTracker } from './event-time.js';
import type { TaskOutputs } from './outputs.js';

/** The chain of subtask `index` of `task`; `onLateRows` counts rows its windows dropped as late. */
export function buildSubtaskChain(deploy: DeployMsg, task: PhysicalTask, index: number, onLateRows: (n: number) => void): TaskChain {
  // A multi-input first operator (a join) needs each input's schema: the upstream task's output.
  const inputSchemas = task.inputs.map((e) => ({ i: e.input_index, schema: deploy.plan.tasks.find((t) => t.task_id === e.from_task)!.outputSchema }));
  const schemas = inputSchemas.sort((a, b) => a.i - b.i).map((x) => x.schema);
  return buildChain(
    task,
    {
      subtaskIndex: index,
      parallelism: task.parallelism,
      onLateRows,
      // Loaded by the worker before deploying (see worker.ts).
      udfs: deploy.spec.udfs === undefined ? undefined : cachedUdfs(deploy.spec.udfs),
    },
    schemas.length > 0 ? schemas : undefined,
  );
}

/** Runs input batches and watermarks through the chain to the outputs; the caller keeps them one at a time. */
export class DataPath {
  /** Source position that goes with the last batch processed (what a checkpoint stores). */
  sourcePosition: SourcePosition = undefined;

  constructor(
    private readonly chain: TaskChain,
    private readonly outputs: TaskOutputs,
    /** Plain counters, incremented per batch (never per row). */
    private readonly counters: SubtaskMetrics,
    /** Sink subtasks: end-to-end latency of each batch written (src/metrics/histogram.ts). */
    private readonly latency: Float64Array | null,
    /** Source subtasks with event time: where watermarks come from. */
    private readonly eventTime: EventTimeTracker | null,
    /** Fails the whole data path. */
    private readonly failed: (err: unknown) => void,
  ) {}

  async process(batch: RecordBatch, bytes: number, position?: SourcePosition, input?: number, origin?: number): Promise<void> {
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

  /** Event time advanced (or, at a source, went idle): operators emit what it completes, then it goes downstream. */
  async watermark(watermark: number | 'idle'): Promise<void> {
    if (watermark !== 'idle') {
      for (const out of this.chain.runWatermark(watermark)) await this.emit(out);
    }
    for (const w of this.outputs.writers) await w.watermark(watermark);
  }

  /** `origin` is known for output of an input batch, not for what a watermark releases. */
  private async emit(out: RecordBatch, origin?: number): Promise<void> {
    this.counters.records_out += out.numRows;
    this.counters.batches_out++;
    await this.outputs.write(out, origin);
    this.counters.bytes_out = this.outputs.bytesOut;
    if (this.latency && origin !== undefined) record(this.latency, Date.now() - origin);
  }
}
