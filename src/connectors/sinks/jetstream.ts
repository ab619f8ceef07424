// The `jetstream` sink, exactly once: each record becomes one JSON message in a stream, but only
// when the checkpoint that covers it has completed (two-phase commit, see DESIGN.md).
//
// - write() only buffers (EpochBuffer): nothing is published between checkpoints. Output between
//   two checkpoints is held in memory and stored in the checkpoint until it is committed.
// - preCommit(epoch) closes the epoch and returns every uncommitted epoch as plain data
//   (PendingOutput: origin plus newline-separated JSON records), for the checkpoint.
// - commit(epoch) publishes every closed epoch up to `epoch`, in order, through the pipelined
//   JsPublisher, with Nats-Msg-Id `<job>.<task>.<subtask>.<epoch>.<n>` (n: record index in that
//   epoch of that subtask, from 0; no run id, so a replay after a failure gets the same ids), waits
//   for every ack, writes the epoch's commit marker (commit-markers.ts), then drops the data.
// - recover(pending) does the same for a restored checkpoint's output, skipping epochs whose
//   marker exists. A crash after publishing but before the marker is covered by the stream's
//   duplicate window, which drops the repeated ids.
//
// Streams this sink creates get a 10-minute duplicate window: that is how long a restart may take
// between a crash in the middle of a commit and the recovery that repeats it. An existing stream
// is left alone; if its window is shorter we warn, since a slower recovery could then store part
// of one epoch twice.
//
// flush() waits for commits in progress; it never publishes uncommitted output. A bounded job
// ends with preCommit(final) + commit(final) from the runner, which makes its last output visible.

import { jetstreamManager } from '@nats-io/jetstream';
import { headers, millis, nanos } from '@nats-io/nats-core';
import type { RecordBatch } from 'apache-arrow';
import { InternalError } from '../../errors.js';
import { JsPublisher, type JsPublisherOptions } from '../../nats/js-publisher.js';
import { HEADERS } from '../../wire.js';
import { ensureConnectorStream } from '../stream-setup.js';
import type { Sink, SinkContext } from '../types.js';
import { CommitMarkers, type OutputOrigin } from './commit-markers.js';
import { countRecords, EpochBuffer, parsePendingOutput, recordsOf, type PendingEpoch, type PendingOutput } from './epoch-buffer.js';

export interface JetStreamSinkConfig {
  stream: string;
  subject: string;
}

export interface JetStreamSinkOptions {
  /** Most bytes of uncommitted JSON output held before the job fails. Default 256 MiB. */
  maxPendingBytes?: number;
  publisher?: JsPublisherOptions;
}

export type { PendingOutput } from './epoch-buffer.js';

/** Duplicate window of streams the sink creates. */
export const SINK_DUPLICATE_WINDOW_MS = 10 * 60_000;
const DEFAULT_MAX_PENDING_BYTES = 256 * 1024 * 1024;
/** Closed epochs that may wait for their commit before write() waits (see write). */
const MAX_UNCOMMITTED_EPOCHS = 2;
const COMMIT_WAIT_MS = 60_000;
/** How long close() lets a commit in progress finish before abandoning it (recover redoes it). */
const CLOSE_GRACE_MS = 30_000;

export class JetStreamSink implements Sink {
  private publisher: JsPublisher | null = null;
  private markers: CommitMarkers | null = null;
  private buffer: EpochBuffer | null = null;
  private origin: OutputOrigin | null = null;
  /** Commits and recoveries, one after another. */
  private commits: Promise<void> = Promise.resolve();
  /** write() calls waiting for a commit (see write). */
  private readonly committed: (() => void)[] = [];
  /** How often write() waited for commits to catch up. */
  backpressureWaits = 0;
  /** Records published by commits and recoveries (duplicates dropped by JetStream included). */
  records = 0;

  constructor(
    private readonly config: JetStreamSinkConfig,
    private readonly options: JetStreamSinkOptions = {},
  ) {}

  async open(ctx: SinkContext): Promise<void> {
    const { stream, subject } = this.config;
    const info = await ensureConnectorStream(await jetstreamManager(ctx.nc), stream, subject, {
      duplicate_window: nanos(SINK_DUPLICATE_WINDOW_MS),
    });
    const window = millis(info.config.duplicate_window ?? 0);
    if (window < SINK_DUPLICATE_WINDOW_MS) {
      ctx.log.warn(
        { stream, duplicate_window_ms: window },
        'jetstream sink: the stream keeps message ids for less than 10 minutes; a recovery slower than that after a crash in mid-commit can store part of an epoch twice',
      );
    }
    this.markers = await CommitMarkers.open(ctx.nc, ctx.prefix);
    this.origin = { job: ctx.jobId, task: ctx.taskId, subtask: ctx.subtaskIndex };
    this.buffer = new EpochBuffer(this.origin, this.options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES);
    // A commit publishes a whole epoch of small messages at once: a wide ack window keeps the
    // pipe full (the 16 MiB bytes-in-flight bound still caps memory).
    this.publisher = new JsPublisher(ctx.nc, { window: 1024, ...this.options.publisher });
  }

  /**
   * Buffers the batch in the open epoch; publishes nothing. When commits fall behind (more than
   * MAX_UNCOMMITTED_EPOCHS closed epochs wait), it first waits for one to be published: the
   * output slows to what the stream takes instead of piling up in memory. Closed epochs need no
   * further input to commit, so this cannot deadlock the checkpoint that commits them; if no
   * commit comes for COMMIT_WAIT_MS (checkpoints failing), it stops waiting.
   */
  async write(batch: RecordBatch): Promise<void> {
    const { buffer } = this.ready();
    const until = Date.now() + COMMIT_WAIT_MS;
    while (buffer.closedEpochs >= MAX_UNCOMMITTED_EPOCHS && Date.now() < until) {
      this.backpressureWaits++;
      await new Promise<void>((resolve) => {
        this.committed.push(resolve);
        setTimeout(resolve, 100).unref();
      });
    }
    buffer.add(batch);
  }

  async preCommit(epoch: number): Promise<PendingOutput | null> {
    return this.ready().buffer.close(epoch);
  }

  /** Publishes every closed epoch up to `epoch`; calling it again publishes nothing more. */
  async commit(epoch: number): Promise<void> {
    const { buffer } = this.ready();
    return this.serially(async () => {
      for (let e = buffer.nextUpTo(epoch); e !== undefined; e = buffer.nextUpTo(epoch)) {
        await this.publishEpoch(this.origin!, e);
        buffer.drop(e);
        for (const wake of this.committed.splice(0)) wake();
      }
    });
  }

  /** Publishes restored pending output whose commit marker is missing, oldest epoch first. */
  async recover(pending: unknown[]): Promise<void> {
    const { markers } = this.ready();
    const outputs = pending.map((p, i) => parsePendingOutput(p, `pending[${i}]`)).filter((p) => p !== null);
    const work = outputs.flatMap((o) => o.epochs.map((e) => ({ origin: { job: o.job, task: o.task, subtask: o.subtask }, e })));
    work.sort((a, b) => a.e.epoch - b.e.epoch || a.origin.subtask - b.origin.subtask);
    return this.serially(async () => {
      for (const { origin, e } of work) {
        if (await markers.has(origin, e.epoch)) continue;
        await this.publishEpoch(origin, e);
      }
    });
  }

  /** Resolves when commits in progress are published and acknowledged. */
  async flush(): Promise<void> {
    const { publisher } = this.ready();
    await this.commits;
    await publisher.flush();
  }

  /**
   * Lets a commit in progress finish (up to CLOSE_GRACE_MS), then lets go; an abandoned commit
   * wrote no marker, so recover() redoes it. Uncommitted output is not published: it lives on in
   * the checkpoint, or its input is replayed.
   */
  async close(): Promise<void> {
    const publisher = this.publisher;
    if (!publisher) return;
    this.publisher = null;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
    await Promise.race([this.commits.catch(() => undefined), grace]);
    clearTimeout(timer);
    await publisher.close({ flush: false });
  }

  /** Publishes one epoch with its deterministic ids, waits for every ack, then marks it committed. */
  private async publishEpoch(origin: OutputOrigin, e: PendingEpoch): Promise<void> {
    const publisher = this.publisher;
    if (!publisher) throw new InternalError('jetstream sink committing after close()');
    const idPrefix = `${origin.job}.${origin.task}.${origin.subtask}.${e.epoch}.`;
    const subject = this.config.subject;
    // A restored value that does not add up must not be half published.
    const count = countRecords(e);
    if (count !== e.records) {
      throw new InternalError(`pending epoch ${CommitMarkers.key(origin, e.epoch)} holds ${count} records, expected ${e.records}`);
    }
    let n = 0;
    for (const chunk of e.chunks) {
      const records = recordsOf(chunk);
      const waits = new Array<Promise<void>>(records.length);
      for (let i = 0; i < records.length; i++) {
        const h = headers();
        h.set(HEADERS.msgId, idPrefix + String(n++));
        waits[i] = publisher.publish(subject, records[i]!, h);
      }
      // publish() resolves at once while the in-flight window has room: one await per chunk.
      await Promise.all(waits);
    }
    await publisher.flush();
    this.records += n;
    await this.markers!.set(origin, e.epoch, n);
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.commits.then(work);
    this.commits = run.catch(() => undefined);
    return run;
  }

  private ready(): { buffer: EpochBuffer; markers: CommitMarkers; publisher: JsPublisher } {
    if (!this.publisher || !this.buffer || !this.markers) throw new InternalError('jetstream sink used before open() or after close()');
    return { buffer: this.buffer, markers: this.markers, publisher: this.publisher };
  }
}
