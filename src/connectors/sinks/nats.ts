// The `nats` sink (and the `preview` sink, see preview.ts): each record is one core NATS message
// holding one JSON object.
//
// Eager and not transactional (no preCommit/commit): records go out as they are written, so a
// job restored from a checkpoint publishes the records produced since that checkpoint again. With
// respect to job failures that is at least once. Core NATS itself adds no guarantee: it has no
// acks, so a message published while no subscriber listens, or while the connection is
// reconnecting past the client's reconnect buffer, is gone. Use the `jetstream` sink when output
// must be stored, and exactly once.

import type { NatsConnection } from '@nats-io/nats-core';
import type { RecordBatch } from 'apache-arrow';
import { batchToJsonBytes } from '../../dataflow/arrow/index.js';
import { InternalError } from '../../errors.js';
import type { Sink, SinkContext } from '../types.js';

export class NatsSink implements Sink {
  private nc: NatsConnection | null = null;
  private subject = '';
  /** Round trip confirming the previous batch reached the server. */
  private inflight: Promise<void> = Promise.resolve();
  /** Records published so far. */
  records = 0;

  /** `subject` picks the subject once the sink knows its job (the preview sink needs the id). */
  constructor(private readonly subjectOf: (ctx: SinkContext) => string) {}

  async open(ctx: SinkContext): Promise<void> {
    this.nc = ctx.nc;
    this.subject = this.subjectOf(ctx);
  }

  async write(batch: RecordBatch): Promise<void> {
    const nc = this.connection();
    if (batch.numRows === 0) return;
    const rows = batchToJsonBytes(batch);
    for (let i = 0; i < rows.length; i++) nc.publish(this.subject, rows[i]!);
    this.records += rows.length;
    // publish() only appends to the client's outbound buffer, which has no bound. One PING/PONG
    // per batch, awaited one batch late, keeps at most about two batches unconfirmed without
    // stalling the pipeline on every round trip.
    const previous = this.inflight;
    this.inflight = nc.flush();
    this.inflight.catch(() => undefined); // awaited by the next write or flush(); not unhandled meanwhile
    await previous;
  }

  async flush(): Promise<void> {
    const nc = this.connection();
    await this.inflight;
    await nc.flush();
  }

  async close(): Promise<void> {
    if (this.nc && !this.nc.isClosed()) await this.flush();
    this.nc = null;
  }

  private connection(): NatsConnection {
    if (!this.nc) throw new InternalError('nats sink used before open() or after close()');
    return this.nc;
  }
}

export function natsSink(subject: string): NatsSink {
  return new NatsSink(() => subject);
}
