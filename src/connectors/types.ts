// The pluggable connector contract. A source or sink instance serves exactly one subtask.

import type { NatsConnection } from '@nats-io/nats-core';
import type { RecordBatch } from 'apache-arrow';
import type { Logger } from 'pino';
import type { Schema, SinkSpec, SourceSpec } from '../types.js';

/** What every connector instance knows about where it runs. */
export interface ConnectorContext {
  readonly jobId: string;
  readonly runId: number;
  readonly taskId: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly nc: NatsConnection;
  /** Deployment subject prefix (`rivulet`), see src/wire.ts. */
  readonly prefix: string;
  readonly log: Logger;
}

export interface SourceContext extends ConnectorContext {
  /** Rows per batch before a source hands it on. */
  readonly batchSize: number;
  /** Longest a partly filled batch may wait, in ms. */
  readonly lingerMs: number;
  /** Hands a batch downstream; resolves when there is room again (backpressure). */
  emit(batch: RecordBatch): Promise<void>;
  /** Counts and logs a record that could not be decoded; the source skips it and goes on. */
  reportBadRecord(reason: string, raw?: Uint8Array): void;
  /** Aborted when the subtask stops. */
  readonly signal: AbortSignal;
}

/** Where a source is, as plain msgpack-able data (e.g. `{ seq: 1234 }`, `{ next: 40 }`). */
export type SourcePosition = unknown;

/** The positions every subtask of the previous run had reached at the restored checkpoint. */
export interface SourceRestore {
  /** Parallelism of the run that wrote the positions (may differ from the new one). */
  parallelism: number;
  /** Indexed by the old subtask index; a missing entry means that subtask had read nothing. */
  positions: SourcePosition[];
}

export interface Source {
  /** Output schema of this source. */
  readonly schema: Schema;
  /**
   * Everything handed to emit so far, including the batch being emitted when called from inside
   * ctx.emit (the runner reads it synchronously there). A checkpoint stores it; restoring it
   * resumes right after, with nothing lost or repeated, also at another parallelism.
   */
  position(): SourcePosition;
  /** Resolves once the source is consuming: a record published after this is read. */
  start(ctx: SourceContext): Promise<void>;
  /** Resolves when a bounded source has emitted its last batch (after stop() for unbounded ones). */
  readonly done: Promise<void>;
  /** Stops reading; pending rows are emitted first when `drain` is true. */
  stop(drain: boolean): Promise<void>;
}

export interface SinkContext extends ConnectorContext {
  /** Schema of the batches the sink receives. */
  readonly schema: Schema;
}

export interface Sink {
  open(ctx: SinkContext): Promise<void>;
  /**
   * Transactional sinks only (exactly-once). Called at checkpoint barrier `epoch`: everything
   * written since the previous barrier belongs to `epoch` and must stay invisible until commit.
   * Returns what to keep in the checkpoint so a restored run can still commit it (null: nothing).
   */
  preCommit?(epoch: number): Promise<unknown>;
  /** Checkpoint `epoch` completed: make its data, and any earlier pending, visible. Idempotent. */
  commit?(epoch: number): Promise<void>;
  /**
   * After a restore: `pending` are preCommit results of the completed checkpoint, from the old
   * subtasks mapped to this one; the sink makes them visible exactly once (even if a commit of
   * them had already happened before the failure).
   */
  recover?(pending: unknown[]): Promise<void>;
  /** Takes one batch; may buffer. Resolves when the sink can take more (backpressure). */
  write(batch: RecordBatch): Promise<void>;
  /** Resolves when everything written so far is durable/acknowledged downstream. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export type SourceFactory = (spec: SourceSpec, restore?: SourceRestore) => Source;
export type SinkFactory = (spec: SinkSpec) => Sink;
