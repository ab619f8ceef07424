// Turns raw JSON messages into Arrow batches for the message-reading sources (nats, jetstream).
// Records are decoded straight into column builders; a batch goes out at `batchSize` rows or
// `lingerMs` after its first row, whichever comes first. Emits run strictly one after another so
// batches stay in order, and add() hands the caller the emit to await when a batch filled up:
// that is how a slow downstream holds the reader back.

import { JsonBatchBuilder } from '../dataflow/arrow/index.js';
import type { Schema } from '../types.js';
import type { SourceContext } from './types.js';

export class JsonBatchAssembler {
  /** finish() hands its buffers to the batch and starts afresh, so one builder serves for good. */
  private readonly builder: JsonBatchBuilder;
  private timer: NodeJS.Timeout | null = null;
  /** The last emit handed on; each new one starts after it. */
  private tail: Promise<void> = Promise.resolve();
  /** Rows in batches waiting for the emit before them to resolve. */
  private queued = 0;
  /** Batches waiting for the emit before them to resolve. */
  private queuedBatches = 0;
  /** Highest input position seen: what the rows in the builder take us to once handed on. */
  private pendingPosition: number;
  /** See `position`. Advances only when emit is called, never when a batch is merely queued. */
  private handedPosition: number;
  /** Rows handed to emit so far. */
  private handedRows = 0;
  /** discard() ran: nothing is emitted any more and the position stays where it is. */
  private discarded = false;

  constructor(
    schema: Schema,
    private readonly ctx: SourceContext,
    /** Called when an emit fails, including one the linger timer started. */
    private readonly onError: (err: unknown) => void,
    startPosition = 0,
  ) {
    this.builder = new JsonBatchBuilder(schema, ctx.batchSize);
    this.pendingPosition = startPosition;
    this.handedPosition = startPosition;
  }

  /**
   * The highest input position (e.g. stream sequence) such that every record at or below it was
   * handed to emit, reported bad, or skipped. Replaying from position + 1 loses nothing. Read
   * inside ctx.emit(batch) it covers that batch and nothing after it: a batch that waits behind a
   * slow emit is not counted until its own emit is called.
   */
  get position(): number {
    return this.handedPosition;
  }

  /** Rows handed to emit so far, including the batch being emitted (same rule as `position`). */
  get rowsHanded(): number {
    return this.handedRows;
  }

  /** Rows decoded whose emit has not started yet: the builder's, plus batches queued behind an emit. */
  get buffered(): number {
    return this.builder.length + this.queued;
  }

  /**
   * Decodes one record; a bad one is reported and skipped. Returns the emit to await when this
   * record completed a batch, otherwise null (so the common case costs no await).
   */
  add(data: Uint8Array, position = 0): Promise<void> | null {
    const error = this.builder.appendJson(data);
    if (error !== null) this.ctx.reportBadRecord(error, data);
    return this.advance(position);
  }

  /** Notes a record this subtask does not take (another subtask's partition). */
  skip(position: number): void {
    this.advance(position);
  }

  /** Hands on the partly filled batch, if any; resolves when every emit so far resolved. */
  flush(): Promise<void> {
    this.clearTimer();
    if (this.builder.length > 0 && !this.discarded) {
      const batch = this.builder.finish();
      const rows = batch.numRows;
      const end = this.pendingPosition;
      this.queued += rows;
      this.queuedBatches++;
      const next = this.tail.then(() => {
        this.queued -= rows;
        this.queuedBatches--;
        if (this.discarded) return;
        // The runner reads the position synchronously inside emit: it must cover this batch,
        // plus skipped or bad records after it only when no rows wait behind it.
        this.handedPosition = this.queuedBatches === 0 && this.builder.length === 0 ? this.pendingPosition : end;
        this.handedRows += rows;
        return this.ctx.emit(batch);
      });
      next.catch((err) => this.onError(err));
      // A failed emit fails every later one too, without calling emit again.
      this.tail = next;
    }
    return this.tail;
  }

  /** Drops rows not yet handed on (stop without drain). */
  discard(): void {
    this.discarded = true;
    this.clearTimer();
    if (this.builder.length > 0) this.builder.finish();
  }

  private advance(position: number): Promise<void> | null {
    if (this.discarded) return null;
    if (position > this.pendingPosition) this.pendingPosition = position;
    const rows = this.builder.length;
    if (rows === 0) {
      // Nothing waits in the builder or behind an emit, so everything up to here is accounted for.
      if (this.queuedBatches === 0) this.handedPosition = this.pendingPosition;
      return null;
    }
    if (rows >= this.ctx.batchSize) return this.flush();
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush().catch(() => undefined); // reported through onError
    }, this.ctx.lingerMs);
    return null;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
