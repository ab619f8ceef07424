// The `impulse` source: generated rows (counter, subtask_index, timestamp), for tests, demos and
// benchmarks. Subtask i of N produces counters i, i+N, i+2N, ... so the subtasks together produce
// 0..count-1 exactly once. Columns are filled as typed arrays; no row objects, no BigInts.
//
// Unlimited rate: full batches back to back, yielding to the event loop between them so NATS and
// timers keep running. With event_rate (records/s for the whole job, split over the subtasks):
// wake at most every MIN_TICK_MS and emit what is due, so batches are small but latency stays
// low; row k of this run carries the time it was due. After a stall (slow downstream) the backlog
// goes out in full batches.
//
// Position: `{ next, prior? }` (see progress.ts): every counter of this subtask's class below
// `next` was emitted (in this run or the one restored from), plus what `prior` claims above it.
// Restored at another parallelism, subtask j of M emits, in increasing order, every counter
// c ≡ j (mod M), c < count, that the old run did not emit. Only counters below the old run's
// highest position need that check; above it generation is plain arithmetic again.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { batchFromColumns, makeColumn } from '../../dataflow/arrow/index.js';
import { IMPULSE_SCHEMA, type ImpulseSourceConfig, type Schema } from '../../types.js';
import { Resume, toWire } from '../progress.js';
import { LoopSource } from '../source-lifecycle.js';
import type { SourceContext, SourcePosition, SourceRestore } from '../types.js';

const MIN_TICK_MS = 10;
const TWO_32 = 4294967296;
/** Counters checked against a restore per batch at most, so catching up never blocks the loop long. */
const SCAN_LIMIT = 1 << 20;

interface Pace {
  started: number;
  rate: number;
}

export class ImpulseSource extends LoopSource {
  readonly schema: Schema = IMPULSE_SCHEMA;
  private ctx: SourceContext | null = null;
  private wake: (() => void) | null = null;
  private readonly resume: Resume | null;
  /** Next counter this subtask considers; everything of its class below it is handled. */
  private next = 0;
  /** Rows this subtask emitted. */
  emitted = 0;

  constructor(
    private readonly config: ImpulseSourceConfig,
    restore?: SourceRestore,
  ) {
    super();
    this.resume = restore ? new Resume(restore, 'next', 0) : null;
  }

  /** `{ next, prior? }`; before start() it is the restore itself (or `{ next: 0 }`). */
  position(): SourcePosition {
    const ctx = this.ctx;
    return toWire({ bound: this.next, prior: this.resume?.priorFor(this.next, ctx?.subtaskIndex, ctx?.parallelism) }, 'next');
  }

  async start(ctx: SourceContext): Promise<void> {
    if (this.stopping) return;
    this.ctx = ctx;
    const { subtaskIndex: j, parallelism: m } = ctx;
    // The first counter of this subtask's class at or above what the old run finished entirely.
    const floor = this.resume?.floor ?? 0;
    this.next = floor + ((((j - floor) % m) + m) % m);
    this.launch(ctx);
  }

  protected async read(): Promise<void> {
    const ctx = this.ctx!;
    const limit = this.config.count ?? Infinity;
    const rate = this.config.event_rate && this.config.event_rate > 0 ? this.config.event_rate / ctx.parallelism : 0;
    const started = Date.now();
    const pace = rate > 0 ? { started, rate } : null;
    let k = 0; // rows of this subtask produced in this run
    while (this.next < limit && !this.stopping) {
      const due = rate > 0 ? Math.floor(((Date.now() - started) * rate) / 1000) + 1 : Infinity;
      while (k < due && this.next < limit && !this.stopping) {
        const batch = this.nextBatch(Math.min(ctx.batchSize, due - k), limit, k, pace);
        if (batch === null) {
          await nextTurn(); // only counters the old run emitted were scanned: let others run
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

  /** Up to `n` rows from this.next on, advancing it; null when every counter scanned was already emitted. */
  private nextBatch(n: number, limit: number, k: number, pace: Pace | null) {
    const m = this.ctx!.parallelism;
    const first = this.next;
    const resume = this.resume;
    if (resume === null || first >= resume.horizon) {
      const rows = Math.min(n, Math.ceil((limit - first) / m));
      this.next = first + rows * m;
      return this.build(rows, k, pace, (cw) => fillArithmetic(cw, first, m, rows));
    }
    // Catching up below the old run's horizon: keep the counters it did not emit.
    const counters = new Float64Array(n);
    let rows = 0;
    let c = first;
    const stop = Math.min(limit, resume.horizon);
    for (let scanned = 0; rows < n && c < stop && scanned < SCAN_LIMIT; scanned++, c += m) {
      if (!resume.done(c)) counters[rows++] = c;
    }
    if (c >= resume.horizon) for (; rows < n && c < limit; c += m) counters[rows++] = c;
    this.next = c;
    if (rows === 0) return null;
    return this.build(rows, k, pace, (cw) => fillFrom(cw, counters, rows));
  }

  /** `n` rows whose counters `fill` writes; row r is row k + r of this run. */
  private build(n: number, k: number, pace: Pace | null, fill: (words: Int32Array) => void) {
    const { subtaskIndex } = this.ctx!;
    const counter = new BigInt64Array(n);
    const timestamp = new BigInt64Array(n);
    // Fill 64-bit columns through 32-bit words (little-endian): exact up to 2^53, no BigInt.
    fill(new Int32Array(counter.buffer));
    const tw = new Int32Array(timestamp.buffer);
    const now = Date.now();
    for (let r = 0; r < n; r++) {
      const t = pace ? Math.floor(pace.started + ((k + r) * 1000) / pace.rate) : now;
      tw[2 * r] = t % TWO_32;
      tw[2 * r + 1] = Math.floor(t / TWO_32);
    }
    const index = new Int32Array(n).fill(subtaskIndex);
    return batchFromColumns(IMPULSE_SCHEMA, [
      makeColumn('int64', counter),
      makeColumn('int32', index),
      makeColumn('timestamp', timestamp),
    ]);
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

function fillArithmetic(cw: Int32Array, first: number, step: number, n: number): void {
  for (let r = 0; r < n; r++) {
    const c = first + r * step;
    cw[2 * r] = c % TWO_32;
    cw[2 * r + 1] = Math.floor(c / TWO_32);
  }
}

function fillFrom(cw: Int32Array, counters: Float64Array, n: number): void {
  for (let r = 0; r < n; r++) {
    const c = counters[r]!;
    cw[2 * r] = c % TWO_32;
    cw[2 * r + 1] = Math.floor(c / TWO_32);
  }
}
