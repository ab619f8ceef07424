// A job's metrics over time, in two rings: one sample a second for the last 5 minutes, and the
// same samples folded into one a minute for the last 24 hours. Pure (the clock is injected), so
// window answers are unit-tested without waiting.

import { mergeInto, type Histogram } from './histogram.js';

/** What happened in a job during one interval ending at `t`. */
export interface Sample {
  /** End of the interval, ms since the epoch. */
  t: number;
  /** Length of the interval, ms (a folded sample: the sum of its parts). */
  dt: number;
  events_in: number;
  events_out: number;
  /** Records that did not decode plus subtask failures. */
  errors: number;
  backpressure_events: number;
  /** Share of the interval the most blocked subtask waited on its output, 0–1. */
  backpressure_level: number;
  /** CPU of the worker processes running the job, 100 = one core. */
  cpu_percent: number;
  /** Resident memory of those worker processes at `t`. */
  memory_bytes: number;
  /** End-to-end latency samples of the interval. */
  latency: Histogram;
}

export interface HistoryOptions {
  fineMs: number;
  fineSize: number;
  coarseMs: number;
  coarseSize: number;
}

export const DEFAULT_HISTORY: HistoryOptions = { fineMs: 1000, fineSize: 300, coarseMs: 60_000, coarseSize: 1440 };

/** Fixed-size ring, oldest first. */
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.items[(this.next - this.size + i + this.capacity) % this.capacity]!);
    return out;
  }

  last(): T | undefined {
    return this.size === 0 ? undefined : this.items[(this.next - 1 + this.capacity) % this.capacity];
  }
}

/** `b` folded into `a` (a new sample): counters add up, levels and CPU are time-weighted. */
export function fold(a: Sample, b: Sample): Sample {
  const dt = a.dt + b.dt;
  const weighted = (x: number, y: number) => (dt > 0 ? (x * a.dt + y * b.dt) / dt : Math.max(x, y));
  return {
    t: Math.max(a.t, b.t),
    dt,
    events_in: a.events_in + b.events_in,
    events_out: a.events_out + b.events_out,
    errors: a.errors + b.errors,
    backpressure_events: a.backpressure_events + b.backpressure_events,
    backpressure_level: weighted(a.backpressure_level, b.backpressure_level),
    cpu_percent: weighted(a.cpu_percent, b.cpu_percent),
    memory_bytes: b.t >= a.t ? b.memory_bytes : a.memory_bytes,
    latency: mergeInto(mergeInto(new Map(), a.latency), b.latency),
  };
}

export class MetricsHistory {
  private readonly fine: Ring<Sample>;
  private readonly coarse: Ring<Sample>;
  /** The minute being filled: its key (t / coarseMs) and what it holds so far. */
  private open: { key: number; sample: Sample } | null = null;

  constructor(
    private readonly now: () => number,
    readonly o: HistoryOptions = DEFAULT_HISTORY,
  ) {
    this.fine = new Ring(o.fineSize);
    this.coarse = new Ring(o.coarseSize);
  }

  add(s: Sample): void {
    this.fine.push(s);
    // A sample ending on a minute boundary belongs to the minute it ends (as in report.ts).
    const key = Math.floor((s.t - 1) / this.o.coarseMs);
    if (this.open && this.open.key !== key) {
      this.coarse.push(this.open.sample);
      this.open = null;
    }
    this.open = this.open ? { key, sample: fold(this.open.sample, s) } : { key, sample: s };
  }

  /** The newest fine sample (the "current" values). */
  latest(): Sample | undefined {
    return this.fine.last();
  }

  /**
   * Samples that ended within the last `windowMs`: per second while the fine ring reaches that
   * far back, else per minute (a minute that started before the window counts whole).
   */
  samples(windowMs: number): Sample[] {
    const from = this.now() - windowMs;
    const source = windowMs <= this.o.fineMs * this.o.fineSize ? this.fine.toArray() : [...this.coarse.toArray(), ...(this.open ? [this.open.sample] : [])];
    return source.filter((s) => s.t > from);
  }
}
