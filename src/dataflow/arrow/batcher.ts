// Accumulates small batches into batches of batchSize rows, or whatever arrived within lingerMs
// of the first pending row. Flushes run one at a time and in order; push() waits for a flush it
// triggers (and any before it), which is the backpressure sources and shuffle writers rely on.

import type * as arrow from 'apache-arrow';
import { InternalError } from '../../errors.js';
import type { Schema } from '../../types.js';
import { concatBatches } from './select.js';

export interface BatcherOptions {
  /** Rows per flushed batch; larger pushes are cut into batches of exactly this size. */
  batchSize: number;
  /** Longest a pending row waits before a flush. */
  lingerMs: number;
  onFlush: (batch: arrow.RecordBatch) => Promise<void>;
}

export class Batcher {
  private pending: arrow.RecordBatch[] = [];
  private pendingRows = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Settles when every flush handed to onFlush so far has finished. */
  private tail: Promise<void> = Promise.resolve();
  /** First onFlush failure; every later call rethrows it. */
  private failure: { error: unknown } | null = null;
  private closed = false;

  constructor(
    readonly schema: Schema,
    private readonly opts: BatcherOptions,
  ) {
    if (!(opts.batchSize >= 1)) throw new RangeError(`batchSize must be at least 1, got ${opts.batchSize}`);
  }

  /** Rows waiting for the next flush. */
  get pendingRowCount(): number {
    return this.pendingRows;
  }

  async push(batch: arrow.RecordBatch): Promise<void> {
    this.check();
    const size = this.opts.batchSize;
    let rows = batch.numRows;
    if (rows === 0) return;
    let flushed = false;
    let at = 0;
    while (this.pendingRows + rows >= size) {
      const take = size - this.pendingRows;
      this.pending.push(at === 0 && take === batch.numRows ? batch : batch.slice(at, at + take));
      this.pendingRows += take;
      this.cut();
      flushed = true;
      at += take;
      rows -= take;
    }
    if (rows > 0) {
      this.pending.push(at === 0 ? batch : batch.slice(at));
      this.pendingRows += rows;
      this.timer ??= setTimeout(() => this.onLinger(), this.opts.lingerMs);
    }
    if (flushed) await this.settled();
  }

  /** Flushes pending rows and waits until every flush so far has finished. */
  async flush(): Promise<void> {
    this.check();
    this.cut();
    await this.settled();
  }

  /** Stops the linger timer and refuses further pushes. Pending rows are dropped: flush() first. */
  close(): void {
    this.closed = true;
    this.clearTimer();
    this.pending = [];
    this.pendingRows = 0;
  }

  private onLinger(): void {
    this.timer = null;
    if (this.closed) return;
    // Nobody awaits this flush: a failure is kept for the next push or flush to report.
    this.cut();
  }

  /** Hands all pending rows to onFlush, after the flushes already under way. */
  private cut(): void {
    this.clearTimer();
    if (this.pendingRows === 0) return;
    const parts = this.pending;
    this.pending = [];
    this.pendingRows = 0;
    this.tail = this.tail.then(async () => {
      if (this.failure) return;
      try {
        // Also copies a lone slice, so flushed batches never have offset columns.
        await this.opts.onFlush(concatBatches(this.schema, parts));
      } catch (error) {
        this.failure = { error };
      }
    });
  }

  private async settled(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure.error;
  }

  private check(): void {
    if (this.failure) throw this.failure.error;
    if (this.closed) throw new InternalError('batcher is closed');
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
