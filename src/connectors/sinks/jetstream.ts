// The `jetstream` sink: each record is one JSON message stored in a stream, published through
// the pipelined JsPublisher (many publishes in flight, acks counted on one inbox).
//
// Every message carries Nats-Msg-Id `${jobId}-${runId}-${taskId}-${subtaskIndex}-${n}`, n counting
// this subtask's records from 1, so a publish the client retries inside one run is stored once
// (the stream's duplicate window, 2 min by default). A new run has a new run id, so records a
// restarted job emits again are stored again: at-least-once. Exactly-once needs ids that are
// stable across runs and commits tied to checkpoints (see DESIGN.md), which comes later.

import { jetstreamManager } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import type { RecordBatch } from 'apache-arrow';
import { batchToJsonBytes } from '../../dataflow/arrow/index.js';
import { InternalError } from '../../errors.js';
import { JsPublisher } from '../../nats/js-publisher.js';
import { HEADERS } from '../../wire.js';
import { ensureConnectorStream } from '../stream-setup.js';
import type { Sink, SinkContext } from '../types.js';

export interface JetStreamSinkConfig {
  stream: string;
  subject: string;
}

export class JetStreamSink implements Sink {
  private publisher: JsPublisher | null = null;
  private idPrefix = '';
  /** Records published so far; also the last message id's counter. */
  records = 0;

  constructor(private readonly config: JetStreamSinkConfig) {}

  async open(ctx: SinkContext): Promise<void> {
    await ensureConnectorStream(await jetstreamManager(ctx.nc), this.config.stream, this.config.subject);
    this.idPrefix = `${ctx.jobId}-${ctx.runId}-${ctx.taskId}-${ctx.subtaskIndex}-`;
    this.publisher = new JsPublisher(ctx.nc);
  }

  async write(batch: RecordBatch): Promise<void> {
    const publisher = this.publisherOrThrow();
    if (batch.numRows === 0) return;
    const rows = batchToJsonBytes(batch);
    const subject = this.config.subject;
    // Publishes are started back to back and awaited together: no await per record, yet write()
    // resolves only once the publisher's in-flight window took the whole batch.
    const pending: Promise<void>[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const h = headers();
      h.set(HEADERS.msgId, this.idPrefix + String(++this.records));
      pending[i] = publisher.publish(subject, rows[i]!, h);
    }
    await Promise.all(pending);
  }

  /** Resolves when JetStream acknowledged every record written so far. */
  async flush(): Promise<void> {
    await this.publisherOrThrow().flush();
  }

  async close(): Promise<void> {
    const publisher = this.publisher;
    if (!publisher) return;
    try {
      await publisher.flush();
    } finally {
      this.publisher = null;
      await publisher.close();
    }
  }

  private publisherOrThrow(): JsPublisher {
    if (!this.publisher) throw new InternalError('jetstream sink used before open() or after close()');
    return this.publisher;
  }
}
