// What impulse and nexmark share: sources whose rows are numbered 0, 1, 2, … and computed from
// their number alone. Subtask j of M produces the numbers n ≡ j (mod M) in increasing order, so
// the subtasks together produce each number once, whatever the batch sizes.
//
// Pacing: without a rate, full batches back to back, yielding to the event loop between them so
// NATS and timers keep running; with one, wake at most every MIN_TICK_MS and emit what is due
// (row k of this run is due k / rate after the start); after a stall the backlog goes out in full
// batches.
//
// Position: `{ next, prior? }` (progress.ts): every number of this subtask's class below `next`
// was emitted (in this run or the one restored from), plus what `prior` claims above it. Restored
// at another parallelism, subtask j of M emits every n ≡ j (mod M), n < limit, that the old run
// did not emit. Only numbers below the old run's highest position need that check; above it
// generation is plain arithmetic again.

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RecordBatch } from 'apache-arrow';
import { Resume, toWire } from './progress.js';
import { LoopSource } from './source-lifecycle.js';
import type { SourceContext, SourcePosition, SourceRestore } from './types.js';

const MIN_TICK_MS = 10;
/** Numbers checked against a restore per batch at most, so catching up never blocks the loop long. */
const SCAN_LIMIT = 1 << 20;

/** How a run generates: rows/s for this subtask (0: unpaced), how many numbers, until when. */
export interface Pacing {
  rate: number;
  limit: number;
  /** Wall-clock time (ms) after which the subtask stops; Infinity for none. */
  deadline: number;
}

/** Which rows a batch holds: `first + r * step`, or `list[r]` when a list is given. */
export interface Rows {
  rows: number;
  first: number;
  step: number;
  list: Float64Array | null;
  /** Row 0 of the batch is row `k` of this run; `started`/`rate` give its due time. */
  k: number;
  started: number;
  rate: number;
}

export abstract class NumberedSource extends LoopSource {
  protected ctx: SourceContext | null = null;
  private wake: (() => void) | null = null;
  private readonly resume: Resume | null;
  /** Next number this subtask considers; everything of its class below it is handled. */
  protected next = 0;
  /** Rows this subtask emitted. */
  emitted = 0;

  constructor(restore?: SourceRestore) {
    super();
    this.resume = restore ? new Resume(restore, 'next', 0) : null;
  }

  /** The pacing of a run that starts now. */
  protected abstract pacing(ctx: SourceContext, started: number): Pacing;
  /** The batch of the given rows. */
  protected abstract build(r: Rows): RecordBatch;

  /** `{ next, prior? }`; before start() it is the restore itself (or `{ next: 0 }`). */
  position(): SourcePosition {
    const ctx = this.ctx;
    return toWire({ bound: this.next, prior: this.resume?.priorFor(this.next, ctx?.subtaskIndex, ctx?.parallelism) }, 'next');
  }

  async start(ctx: SourceContext): Promise<void> {
    if (this.stopping) return;
    this.ctx = ctx;
    const { subtaskIndex: j, parallelism: m } = ctx;
    // The first number of this subtask's class at or above what the old run finished entirely.
    const floor = this.resume?.floor ?? 0;
    this.next = floor + ((((j - floor) % m) + m) % m);
    this.launch(ctx);
  }

  protected async read(): Promise<void> {
    const ctx = this.ctx!;
    const started = Date.now();
    const { rate, limit, deadline } = this.pacing(ctx, started);
    let k = 0; // rows of this subtask produced in this run
    while (this.next < limit && !this.stopping && Date.now() < deadline) {
      const due = rate > 0 ? Math.floor(((Date.now() - started) * rate) / 1000) + 1 : Infinity;
      while (k < due && this.next < limit && !this.stopping) {
        const batch = this.nextBatch(Math.min(ctx.batchSize, due - k), limit, k, started, rate);
        if (batch === null) {
          await nextTurn(); // only numbers the old run emitted were scanned: let others run
          continue;
        }
        k += batch.numRows;
        this.emitted += batch.numRows;
        // this.next already covers the batch: position() read inside emit includes it.
        await ctx.emit(batch);
        if (rate === 0) break;
      }
      if (this.stopping || this.next >= limit) break;
      if (rate === 0) await nextTurn(); // a resolved emit alone would starve the event loop
      else await this.sleep(Math.max(MIN_TICK_MS, started + (k * 1000) / rate - Date.now()));
    }
  }

  protected interrupt(): void {
    this.wake?.();
  }

  protected inputEnded(): void {
    this.finish();
  }

  /** Up to `n` rows from this.next on, advancing it; null when every number scanned was already emitted. */
  private nextBatch(n: number, limit: number, k: number, started: number, rate: number): RecordBatch | null {
    const m = this.ctx!.parallelism;
    const first = this.next;
    const resume = this.resume;
    if (resume === null || first >= resume.horizon) {
      const rows = Math.min(n, Math.ceil((limit - first) / m));
      this.next = first + rows * m;
      return this.build({ rows, first, step: m, list: null, k, started, rate });
    }
    // Catching up below the old run's horizon: keep the numbers it did not emit.
    const list = new Float64Array(n);
    let rows = 0;
    let c = first;
    const stop = Math.min(limit, resume.horizon);
    for (let scanned = 0; rows < n && c < stop && scanned < SCAN_LIMIT; scanned++, c += m) {
      if (!resume.done(c)) list[rows++] = c;
    }
    if (c >= resume.horizon) for (; rows < n && c < limit; c += m) list[rows++] = c;
    this.next = c;
    if (rows === 0) return null;
    return this.build({ rows, first: 0, step: 0, list, k, started, rate });
  }

  /** Waits `ms`, or less when interrupt() wakes it. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
