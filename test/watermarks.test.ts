// Watermarks: generated at sources (bounded out-of-orderness, throttled, idleness) and combined
// over a subtask's input channels (minimum of live channels).

import { describe, expect, it } from 'vitest';
import { batchFromColumns, makeColumn } from '../src/dataflow/arrow/index.js';
import { WatermarkTracker } from '../src/dataflow/shuffle/watermarks.js';
import type { Schema } from '../src/types.js';
import { EventTimeTracker, WATERMARK_INTERVAL_MS } from '../src/worker/event-time.js';

const schema: Schema = { fields: [{ name: 'ts', type: 'timestamp' }] };
const batch = (...ts: number[]) => batchFromColumns(schema, [makeColumn('timestamp', BigInt64Array.from(ts.map(BigInt)))]);

describe('WatermarkTracker', () => {
  it('advances to the minimum over channels, only once every live channel has one', () => {
    const w = new WatermarkTracker(3);
    expect(w.update(0, 100)).toBeNull();
    expect(w.update(1, 50)).toBeNull();
    expect(w.update(2, 70)).toBe(50);
    expect(w.update(1, 80)).toBe(70);
    expect(w.update(1, 60)).toBeNull(); // never backwards
    expect(w.current).toBe(70);
  });

  it('ignores idle and ended channels, and an idle channel counts again when it speaks', () => {
    const w = new WatermarkTracker(2);
    w.update(0, 10);
    expect(w.update(1, 'idle')).toBe(10);
    expect(w.update(0, 40)).toBe(40);
    expect(w.update(1, 30)).toBeNull(); // back, behind: holds further advance
    expect(w.update(0, 90)).toBeNull();
    expect(w.end(1)).toBe(90);
    expect(w.update(0, Infinity)).toBe(Infinity);
  });

  it('does not advance when every channel is idle', () => {
    const w = new WatermarkTracker(2);
    w.update(0, 'idle');
    expect(w.update(1, 'idle')).toBeNull();
  });
});

describe('EventTimeTracker', () => {
  it('trails the largest event time by the delay, sends at most every interval, then the rest on tick', () => {
    let now = 1_000;
    const et = new EventTimeTracker({ event_time_field: 'ts', watermark_delay_ms: 500, idle_timeout_ms: 10_000 }, () => now);
    expect(et.observe(batch(2_000, 1_500))).toBe(1_500);
    now += 10;
    expect(et.observe(batch(3_000))).toBeNull(); // throttled
    expect(et.tick()).toBe(2_500);
    now += WATERMARK_INTERVAL_MS;
    expect(et.observe(batch(2_900))).toBeNull(); // no newer event time
    expect(et.observe(batch(4_000))).toBe(3_500);
  });

  it('declares itself idle once after the idle timeout, and recovers with data', () => {
    let now = 0;
    const et = new EventTimeTracker({ event_time_field: 'ts', idle_timeout_ms: 1_000 }, () => now);
    et.observe(batch(5_000));
    now = 999;
    expect(et.tick()).not.toBe('idle');
    now = 1_000;
    expect(et.tick()).toBe('idle');
    expect(et.tick()).toBeNull();
    now += 500;
    expect(et.observe(batch(9_000))).toBe(8_000); // default delay 1 s
  });
});
