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

export interface Source {
  /** Output schema of this source. */
  readonly schema: Schema;
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
  /** Takes one batch; may buffer. Resolves when the sink can take more (backpressure). */
  write(batch: RecordBatch): Promise<void>;
  /** Resolves when everything written so far is durable/acknowledged downstream. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export type SourceFactory = (spec: SourceSpec) => Source;
export type SinkFactory = (spec: SinkSpec) => Sink;
