// A configured Nexmark generator: the source's options turned into draw parameters and a bound,
// and the two ways to read events, as rows (tests, reference computations) or as Arrow batches
// (the source). Event n depends on the seed, the event rate and n only.

import type { RecordBatch } from 'apache-arrow';
import type { NexmarkSourceConfig } from '../../types.js';
import { NexmarkColumns } from './columns.js';
import { DEFAULT_EVENT_TIME_RATE, type DrawParams, maxDisorderMs, NEXMARK_BASE_TIME_MS } from './model.js';
import { PURPOSE_EVENTS, poolsFor } from './pools.js';
import { seedKey } from './random.js';
import { eventRow } from './rows.js';
import type { NexmarkRow } from './schema.js';

export const DEFAULT_NEXMARK_SEED = 0;

export class NexmarkGenerator {
  params: DrawParams;
  /** Events per second for the whole job; 0: unpaced. */
  readonly eventRate: number;
  /**
   * Events in total: `count`, and with an event rate also `runtime_ms` worth of events (Arroyo's
   * runtime: event_rate × runtime). Infinity when neither bounds it.
   */
  readonly limit: number;
  /** Unpaced with `runtime_ms`: a subtask stops after this long of wall-clock time. */
  readonly wallClockLimitMs: number | null;
  private columns: NexmarkColumns | null = null;
  private readonly realtime: boolean;
  /** NexmarkSourceConfig.columns: only these go out. */
  private readonly selected: readonly string[] | undefined;

  constructor(config: NexmarkSourceConfig = {}) {
    const rate = config.event_rate !== undefined && config.event_rate > 0 ? config.event_rate : 0;
    this.eventRate = rate;
    const seed = config.seed ?? DEFAULT_NEXMARK_SEED;
    this.realtime = config.realtime === true;
    this.selected = config.columns;
    const base = this.realtime ? Date.now() : NEXMARK_BASE_TIME_MS;
    this.params = { key: seedKey(seed, PURPOSE_EVENTS), rate: rate || DEFAULT_EVENT_TIME_RATE, pools: poolsFor(seed), base };
    let limit = config.count ?? Infinity;
    if (config.runtime_ms !== undefined && rate > 0) limit = Math.min(limit, Math.floor((rate * config.runtime_ms) / 1000));
    this.limit = limit;
    this.wallClockLimitMs = config.runtime_ms !== undefined && rate === 0 ? config.runtime_ms : null;
  }

  /**
   * Realtime: event `next` happens now (`at`). Called when a run starts, so neither the time to
   * deploy nor a restore's gap shows up as latency; the base moves, event spacing stays.
   */
  anchor(at: number, next: number): void {
    if (!this.realtime) return;
    this.params = { ...this.params, base: at - Math.floor((next * 1000) / this.params.rate) };
    this.columns = null;
  }

  /** Event n as a row. */
  event(n: number): NexmarkRow {
    return eventRow(n, this.params);
  }

  /** Events from..to-1 as rows. */
  events(from: number, to: number): NexmarkRow[] {
    const out: NexmarkRow[] = [];
    for (let n = from; n < to; n++) out.push(eventRow(n, this.params));
    return out;
  }

  /** `rows` events as one batch of NEXMARK_SCHEMA: first + r * step, or list[r] when given. */
  batch(rows: number, first: number, step = 1, list: Float64Array | null = null): RecordBatch {
    this.columns ??= new NexmarkColumns(this.params, this.selected);
    return this.columns.build(rows, first, step, list);
  }

  /**
   * How far out of event-time order the events can come (one out-of-order group), in ms: a
   * watermark delay at least this large drops no event as late.
   */
  get maxDisorderMs(): number {
    return maxDisorderMs(this.params.rate);
  }
}
