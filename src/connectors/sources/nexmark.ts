// The `nexmark` source: Arroyo's Nexmark auction events (people, auctions, bids; see
// src/connectors/nexmark/model.ts), generated columnar. Event n is computed from n alone, so, as
// with impulse, subtask i of N generates events n ≡ i (mod N) in increasing order and the subtasks
// together produce 0..count-1 exactly once, whatever the batch sizes.
//
// Options: `event_rate` (events/s for the whole job, split over the subtasks; absent or 0: as fast
// as possible; it also spaces event times, 10,000 events/s of event time when unpaced), `count`
// (total events), `runtime_ms` (with a rate: rate × runtime events, as Arroyo; without: each
// subtask stops after that much wall-clock time), `seed`.
//
// Pacing: wake at most every MIN_TICK_MS and emit what is due (row k of this run is due k / rate
// after the start); after a stall the backlog goes out in full batches.
//
// Position: `{ next, prior? }` exactly as impulse (progress.ts, key = event number): restored at
// another parallelism, subtask j of M emits every event n ≡ j (mod M), n < limit, that the old
// run did not emit.

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RecordBatch } from 'apache-arrow';
import type { NexmarkSourceConfig, Schema } from '../../types.js';
import { NexmarkGenerator } from '../nexmark/generator.js';
import { NEXMARK_SCHEMA } from '../nexmark/schema.js';
import { Resume, toWire } from '../progress.js';
import { LoopSource } from '../source-lifecycle.js';
import type { SourceContext, SourcePosition, SourceRestore } from '../types.js';

export { NEXMARK_SCHEMA } from '../nexmark/schema.js';

const MIN_TICK_MS = 10;
/** Event numbers checked against a restore per batch at most, so catching up never blocks the loop long. */
const SCAN_LIMIT = 1 << 20;

export class NexmarkSource extends LoopSource {
  readonly schema: Schema = NEXMARK_SCHEMA;
  readonly generator: NexmarkGenerator;
  private ctx: SourceContext | null = null;
  private wake: (() => void) | null = null;
  private readonly resume: Resume | null;
  /** Next event number this subtask considers; everything of its class below it is handled. */
  private next = 0;
  /** Rows this subtask emitted. */
  emitted = 0;

  constructor(config: NexmarkSourceConfig, restore?: SourceRestore) {
    super();
    this.generator = new NexmarkGenerator(config);
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
    // The first event of this subtask's class at or above what the old run finished entirely.
    const floor = this.resume?.floor ?? 0;
    this.next = floor + ((((j - floor) % m) + m) % m);
    this.launch(ctx);
  }

  protected async read(): Promise<void> {
    const ctx = this.ctx!;
    const { limit, eventRate, wallClockLimitMs } = this.generator;
    const rate = eventRate / ctx.parallelism;
    const started = Date.now();
    const deadline = wallClockLimitMs === null ? Infinity : started + wallClockLimitMs;
    let k = 0; // rows of this subtask produced in this run
    while (this.next < limit && !this.stopping && Date.now() < deadline) {
      const due = rate > 0 ? Math.floor(((Date.now() - started) * rate) / 1000) + 1 : Infinity;
      while (k < due && this.next < limit && !this.stopping) {
        const batch = this.nextBatch(Math.min(ctx.batchSize, due - k), limit);
        if (batch === null) {
          await nextTurn(); // only events the old run emitted were scanned: let others run
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

  /** Up to `n` events from this.next on, advancing it; null when every one scanned was already emitted. */
  private nextBatch(n: number, limit: number): RecordBatch | null {
    const m = this.ctx!.parallelism;
    const first = this.next;
    const resume = this.resume;
    if (resume === null || first >= resume.horizon) {
      const rows = Math.min(n, Math.ceil((limit - first) / m));
      this.next = first + rows * m;
      return this.generator.batch(rows, first, m);
    }
    // Catching up below the old run's horizon: keep the events it did not emit.
    const events = new Float64Array(n);
    let rows = 0;
    let c = first;
    const stop = Math.min(limit, resume.horizon);
    for (let scanned = 0; rows < n && c < stop && scanned < SCAN_LIMIT; scanned++, c += m) {
      if (!resume.done(c)) events[rows++] = c;
    }
    if (c >= resume.horizon) for (; rows < n && c < limit; c += m) events[rows++] = c;
    this.next = c;
    if (rows === 0) return null;
    return this.generator.batch(rows, 0, 0, events);
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
