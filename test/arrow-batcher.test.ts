import type * as arrow from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Batcher, batchFromColumns, makeColumn } from '../src/dataflow/arrow/index.js';
import type { Schema } from '../src/types.js';

const SCHEMA: Schema = { fields: [{ name: 'v', type: 'int32', nullable: false }] };

let next = 0;
/** A batch of n consecutive values, continuing where the previous one stopped. */
function rows(n: number): arrow.RecordBatch {
  const v = Int32Array.from({ length: n }, () => next++);
  return batchFromColumns(SCHEMA, [makeColumn('int32', v)]);
}
const values = (b: arrow.RecordBatch): number[] => [...(b.getChild('v')!.toArray() as Int32Array)];

function collector(): { flushed: number[][]; onFlush: (b: arrow.RecordBatch) => Promise<void> } {
  const flushed: number[][] = [];
  return { flushed, onFlush: async (b) => void flushed.push(values(b)) };
}

beforeEach(() => {
  next = 0;
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Batcher', () => {
  it('flushes full batches by size and the rest on flush()', async () => {
    const c = collector();
    const b = new Batcher(SCHEMA, { batchSize: 10, lingerMs: 1000, onFlush: c.onFlush });
    await b.push(rows(4));
    await b.push(rows(4));
    expect(c.flushed).toEqual([]);
    await b.push(rows(4));
    expect(c.flushed).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    expect(b.pendingRowCount).toBe(2);
    await b.push(rows(25));
    expect(c.flushed.map((f) => f.length)).toEqual([10, 10, 10]);
    await b.flush();
    expect(c.flushed.flat()).toEqual([...Array(37).keys()]);
    expect(c.flushed.map((f) => f.length)).toEqual([10, 10, 10, 7]);
    await b.flush(); // nothing pending: no empty batch
    expect(c.flushed).toHaveLength(4);
    b.close();
  });

  it('flushes a partial batch once lingerMs has passed', async () => {
    const c = collector();
    const b = new Batcher(SCHEMA, { batchSize: 100, lingerMs: 5, onFlush: c.onFlush });
    await b.push(rows(3));
    await b.push(rows(2));
    await vi.advanceTimersByTimeAsync(4);
    expect(c.flushed).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.flushed).toEqual([[0, 1, 2, 3, 4]]);
    await b.push(rows(1));
    await vi.advanceTimersByTimeAsync(5);
    expect(c.flushed).toEqual([[0, 1, 2, 3, 4], [5]]);
    b.close();
  });

  it('makes push wait for a slow onFlush, one flush at a time, in order', async () => {
    const flushed: number[][] = [];
    const releases: (() => void)[] = [];
    let running = 0;
    let maxRunning = 0;
    const b = new Batcher(SCHEMA, {
      batchSize: 2,
      lingerMs: 5,
      onFlush: (batch) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        flushed.push(values(batch));
        return new Promise<void>((resolve) => releases.push(() => (running--, resolve())));
      },
    });
    await b.push(rows(1));
    await vi.advanceTimersByTimeAsync(5); // linger flush of [0] starts and hangs
    let done = false;
    const pushed = b.push(rows(2)).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    expect(flushed).toEqual([[0]]);
    releases.shift()!();
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toEqual([[0], [1, 2]]);
    expect(done).toBe(false);
    releases.shift()!();
    await pushed;
    expect(maxRunning).toBe(1);
    b.close();
  });

  it('reports a failed background flush on the next call, and refuses pushes after close', async () => {
    const b = new Batcher(SCHEMA, {
      batchSize: 10,
      lingerMs: 5,
      onFlush: async () => {
        throw new Error('sink down');
      },
    });
    await b.push(rows(1));
    await vi.advanceTimersByTimeAsync(5);
    await expect(b.push(rows(1))).rejects.toThrow('sink down');
    await expect(b.flush()).rejects.toThrow('sink down');

    const c = collector();
    const closed = new Batcher(SCHEMA, { batchSize: 10, lingerMs: 5, onFlush: c.onFlush });
    await closed.push(rows(1));
    closed.close();
    await vi.advanceTimersByTimeAsync(10);
    expect(c.flushed).toEqual([]);
    await expect(closed.push(rows(1))).rejects.toThrow(/closed/);
  });
});
