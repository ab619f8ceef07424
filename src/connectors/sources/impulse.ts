// The `impulse` source: generated rows (counter, subtask_index, timestamp), for tests, demos and
// benchmarks. Subtask i of N produces counters i, i+N, i+2N, ... so the subtasks together produce
// 0..count-1 exactly once. Columns are filled as typed arrays; no row objects, no BigInts.
//
// Unlimited rate: full batches back to back, yielding to the event loop between them so NATS and
// timers keep running. With event_rate (records/s for the whole job, split over the subtasks):
// wake at most every MIN_TICK_MS and emit what is due, so batches are small but latency stays
// low; record k carries the time it was due. After a stall (slow downstream) the backlog goes out
// in full batches.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { batchFromColumns, makeColumn } from '../../dataflow/arrow/index.js';
import { IMPULSE_SCHEMA, type ImpulseSourceConfig, type Schema } from '../../types.js';
import { LoopSource } from '../source-lifecycle.js';
import type { SourceContext } from '../types.js';

const MIN_TICK_MS = 10;
const TWO_32 = 4294967296;

export class ImpulseSource extends LoopSource {
  readonly schema: Schema = IMPULSE_SCHEMA;
  private ctx: SourceContext | null = null;
  private wake: (() => void) | null = null;
  /** Rows this subtask emitted. */
  emitted = 0;

  constructor(private readonly config: ImpulseSourceConfig) {
    super();
  }

  async start(ctx: SourceContext): Promise<void> {
    if (this.stopping) return;
    this.ctx = ctx;
    this.launch(ctx);
  }

  /** How many rows subtask `index` of `parallelism` produces in total. */
  static rowsFor(count: number | undefined, index: number, parallelism: number): number {
    if (count === undefined) return Infinity;
    return count > index ? Math.ceil((count - index) / parallelism) : 0;
  }

  protected async read(): Promise<void> {
    const ctx = this.ctx!;
    const total = ImpulseSource.rowsFor(this.config.count, ctx.subtaskIndex, ctx.parallelism);
    const rate = this.config.event_rate && this.config.event_rate > 0 ? this.config.event_rate / ctx.parallelism : 0;
    const started = Date.now();
    let k = 0; // rows of this subtask produced so far
    while (k < total && !this.stopping) {
      let due = total;
      if (rate > 0) due = Math.min(total, Math.floor(((Date.now() - started) * rate) / 1000) + 1);
      while (k < due && !this.stopping) {
        const n = Math.min(ctx.batchSize, due - k);
        const batch = this.build(k, n, rate > 0 ? { started, rate } : null);
        k += n;
        this.emitted += n;
        await ctx.emit(batch);
        if (rate === 0) break;
      }
      if (this.stopping || k >= total) break;
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

  /** Rows k..k+n-1 of this subtask. */
  private build(k: number, n: number, pace: { started: number; rate: number } | null) {
    const { subtaskIndex, parallelism } = this.ctx!;
    const counter = new BigInt64Array(n);
    const timestamp = new BigInt64Array(n);
    // Fill 64-bit columns through 32-bit words (little-endian): exact up to 2^53, no BigInt.
    const cw = new Int32Array(counter.buffer);
    const tw = new Int32Array(timestamp.buffer);
    const now = Date.now();
    for (let j = 0; j < n; j++) {
      const c = subtaskIndex + (k + j) * parallelism;
      cw[2 * j] = c % TWO_32;
      cw[2 * j + 1] = Math.floor(c / TWO_32);
      const t = pace ? Math.floor(pace.started + ((k + j) * 1000) / pace.rate) : now;
      tw[2 * j] = t % TWO_32;
      tw[2 * j + 1] = Math.floor(t / TWO_32);
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
