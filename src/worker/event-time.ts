// Watermarks at a source (bounded out-of-orderness): the watermark trails the largest event time
// seen by the configured delay. It is sent at most every WATERMARK_INTERVAL_MS, and a source that
// read nothing for the idle timeout declares itself idle so it holds no one back.

import type { RecordBatch } from 'apache-arrow';
import { int64AsFloat64 } from '../dataflow/arrow/index.js';
import type { EventTimeConfig } from '../types.js';

// 20 ms: a window's result waits at most this long past its watermark (Flink's default is 200 ms);
// at high rates it is still one small control message per 20 ms per channel.
export const WATERMARK_INTERVAL_MS = 20;
export const DEFAULT_WATERMARK_DELAY_MS = 1000;
export const DEFAULT_IDLE_TIMEOUT_MS = 5000;

export class EventTimeTracker {
  private maxSeen = -Infinity;
  private sent = -Infinity;
  private lastSentAt = 0;
  private lastDataAt: number;
  private idle = false;
  readonly delayMs: number;
  readonly idleTimeoutMs: number;

  constructor(
    private readonly config: EventTimeConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.delayMs = config.watermark_delay_ms ?? DEFAULT_WATERMARK_DELAY_MS;
    this.idleTimeoutMs = config.idle_timeout_ms ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.lastDataAt = now();
  }

  /** Takes a batch's event times; returns a watermark to send now, or null. */
  observe(batch: RecordBatch): number | null {
    const col = batch.getChild(this.config.event_time_field);
    if (col && batch.numRows > 0) {
      const times = int64AsFloat64(col);
      let max = this.maxSeen;
      for (let i = 0; i < times.length; i++) if (times[i]! > max) max = times[i]!;
      this.maxSeen = max;
    }
    this.lastDataAt = this.now();
    this.idle = false;
    return this.due(false);
  }

  /** Called by a timer: a watermark held back by the interval, or `idle`, or null. */
  tick(): number | 'idle' | null {
    if (!this.idle && this.now() - this.lastDataAt >= this.idleTimeoutMs) {
      this.idle = true;
      return 'idle';
    }
    return this.idle ? null : this.due(true);
  }

  private due(fromTimer: boolean): number | null {
    const wm = this.maxSeen - this.delayMs;
    if (!(wm > this.sent)) return null;
    const t = this.now();
    if (!fromTimer && t - this.lastSentAt < WATERMARK_INTERVAL_MS) return null;
    this.sent = wm;
    this.lastSentAt = t;
    return wm;
  }
}
