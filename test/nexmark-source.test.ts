// The nexmark source against the connector contract: the shared conformance suite, subtasks that
// together produce each event once, pacing and bounds, and exact restores across parallelism
// changes (every event exactly once over runs that fail at random points).

import type { NatsConnection } from '@nats-io/nats-core';
import type { RecordBatch } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSource } from '../src/connectors/registry.js';
import { NexmarkGenerator } from '../src/connectors/nexmark/generator.js';
import { adjusted, GROUP_SIZE, NEXMARK_BASE_TIME_MS } from '../src/connectors/nexmark/model.js';
import { NexmarkSource } from '../src/connectors/sources/nexmark.js';
import type { SourcePosition, SourceRestore } from '../src/connectors/types.js';
import { InternalError } from '../src/errors.js';
import { decodeControl, encodeControl } from '../src/nats/codec.js';
import type { NexmarkSourceConfig } from '../src/types.js';
import { collector, settlesWithin, sourceConformance } from './conformance/sources.js';
import { connectTest } from './helpers/nats.js';
import { nexmarkRowsOf } from './helpers/nexmark-reference.js';

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

// At 1000 events/s each event has its own millisecond (event id e at base + e ms), so event_time
// tells the events apart; this is the id the conformance suite compares.
sourceConformance({
  name: 'nexmark',
  bounded: true,
  decodes: false,
  replayable: true,
  idColumn: 'event_time',
  async setup({ records, endless }) {
    const config: NexmarkSourceConfig = endless ? { event_rate: 1000 } : { event_rate: 1000, count: records };
    return {
      source: new NexmarkSource(config),
      produce: async () => {},
      restored: (restore) => new NexmarkSource(config, restore),
    };
  },
});

/** Event numbers of rows generated at 1000 events/s: invert event_time = base + adjusted(n) ms. */
function eventNumbers(batches: RecordBatch[]): number[] {
  return nexmarkRowsOf(batches).map((r) => {
    const e = r.event_time - NEXMARK_BASE_TIME_MS;
    const slot = e % GROUP_SIZE;
    return e - slot + ((slot * 17) % GROUP_SIZE); // 17 = 3^-1 mod 50 undoes the group permutation
  });
}

let nc: NatsConnection;
beforeAll(async () => {
  nc = await connectTest();
});
afterAll(async () => {
  await nc.close();
});

describe('nexmark source', () => {
  it('eventNumbers (the tests\' decoder) inverts the generator\'s permutation', () => {
    for (const n of range(200)) expect((adjusted(n) % 50) * 17 % 50).toBe(n % 50);
  });

  it('three subtasks emit events n ≡ i (mod 3), together exactly the events of one generator', async () => {
    const config = { count: 5000, seed: 9 };
    const cols = [0, 1, 2].map((i) => collector(nc, { subtaskIndex: i, parallelism: 3, batchSize: 512 }));
    const sources = cols.map(() => new NexmarkSource(config));
    await Promise.all(sources.map((s, i) => s.start(cols[i]!.ctx)));
    await Promise.all(sources.map((s) => s.done));
    const expected = new NexmarkGenerator(config).events(0, 5000);
    cols.forEach((c, i) => {
      expect(nexmarkRowsOf(c.batches)).toEqual(expected.filter((_, n) => n % 3 === i));
      for (const b of c.batches) expect(b.numRows).toBeLessThanOrEqual(512);
    });
    expect(sources.map((s) => s.emitted)).toEqual([1667, 1667, 1666]);
  });

  it('event_rate paces the job and spaces event times: 100 events at 500/s over 2 subtasks take about 0.2 s', async () => {
    const cols = [0, 1].map((i) => collector(nc, { subtaskIndex: i, parallelism: 2, batchSize: 1000 }));
    const sources = cols.map(() => new NexmarkSource({ count: 100, event_rate: 500 }));
    const t0 = Date.now();
    await Promise.all(sources.map((s, i) => s.start(cols[i]!.ctx)));
    await Promise.all(sources.map((s) => s.done));
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(180);
    expect(elapsed).toBeLessThan(2_000);
    expect(cols[0]!.batches.length).toBeGreaterThan(5);
    const times = nexmarkRowsOf(cols.flatMap((c) => c.batches)).map((r) => r.event_time - NEXMARK_BASE_TIME_MS);
    expect(sorted(times)).toEqual(range(100).map((e) => e * 2)); // 2 ms of event time apart
  });

  it('runtime_ms with a rate bounds the count (rate × runtime); without one, wall-clock time', async () => {
    const col = collector(nc, { batchSize: 4096 });
    const counted = new NexmarkSource({ event_rate: 2000, runtime_ms: 100 });
    await counted.start(col.ctx);
    await expect(settlesWithin(counted.done, 5_000)).resolves.toBe(true);
    expect(col.rows()).toBe(200);

    const timed = collector(nc, { batchSize: 256 });
    const source = new NexmarkSource({ runtime_ms: 200 });
    const t0 = Date.now();
    await source.start(timed.ctx);
    await expect(settlesWithin(source.done, 5_000)).resolves.toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(timed.rows()).toBeGreaterThan(1000);
  });

  it('a subtask with nothing to produce finishes at once; registry builds it', async () => {
    const col = collector(nc, { subtaskIndex: 5, parallelism: 8 });
    const source = createSource({ type: 'nexmark', config: { count: 3 } });
    expect(source).toBeInstanceOf(NexmarkSource);
    await source.start(col.ctx);
    await expect(settlesWithin(source.done, 5_000)).resolves.toBe(true);
    expect(col.emitCalls()).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Restores: each "run" stops its subtasks after given numbers of batches, as a failure would, and
// keeps the position the runner would have stored (read inside the last emit), through msgpack.

interface Subtask {
  ids: number[];
  position: SourcePosition;
}

async function run(o: {
  parallelism: number;
  config: NexmarkSourceConfig;
  restore?: SourceRestore | undefined;
  batchSize: number;
  /** Per subtask: batches after which its emit hangs; 0: it fails before start; absent: runs to the end. */
  stopAfter?: (number | undefined)[];
}): Promise<Subtask[]> {
  const subtasks: Subtask[] = [];
  const sources: NexmarkSource[] = [];
  const ended: Promise<unknown>[] = [];
  for (let i = 0; i < o.parallelism; i++) {
    const limit = o.stopAfter?.[i];
    const source = new NexmarkSource(o.config, o.restore);
    const sub: Subtask = { ids: [], position: source.position() };
    subtasks.push(sub);
    if (limit === 0) continue;
    sources.push(source);
    const col = collector(nc, { subtaskIndex: i, parallelism: o.parallelism, batchSize: o.batchSize });
    let calls = 0;
    let reached!: () => void;
    const stopped = new Promise<void>((resolve) => (reached = resolve));
    await source.start({
      ...col.ctx,
      emit(batch: RecordBatch) {
        sub.position = source.position();
        sub.ids.push(...eventNumbers([batch]));
        if (limit !== undefined && ++calls >= limit) {
          reached();
          return new Promise<void>(() => {});
        }
        return Promise.resolve();
      },
    });
    ended.push(limit !== undefined ? Promise.race([stopped, source.done]) : source.done);
  }
  await Promise.all(ended);
  await Promise.all(sources.map((s) => s.stop(false)));
  return subtasks;
}

function restoreOf(subtasks: Subtask[]): SourceRestore {
  return { parallelism: subtasks.length, positions: subtasks.map((s) => decodeControl(encodeControl(s.position))) };
}

const allIds = (...runs: Subtask[][]) => sorted(runs.flat().flatMap((s) => s.ids));

describe('nexmark source restore', () => {
  // Unpaced would put ten events in a millisecond; at 1000/s event_time names the event. The rate
  // also paces, so counts stay small.
  const config: NexmarkSourceConfig = { count: 400, event_rate: 1000, seed: 1 };

  it('2 → 3 subtasks: every event exactly once over both runs, the same events as an uninterrupted run', async () => {
    const before = await run({ parallelism: 2, config, batchSize: 8, stopAfter: [3, 9] });
    // Paced batches hold what came due, so only: some, not all.
    for (const s of before) expect(s.ids.length).toBeGreaterThan(0);
    expect(allIds(before).length).toBeLessThan(400);
    const after = await run({ parallelism: 3, config, batchSize: 8, restore: restoreOf(before) });
    after.forEach((s, j) => expect(s.ids.every((n) => n % 3 === j)).toBe(true));
    expect(allIds(before, after)).toEqual(range(400));
    for (const s of after) expect(s.position).not.toHaveProperty('prior');
  });

  it('2 → 3 → 1 with the middle run stopped while catching up: its positions carry the old run along', async () => {
    const before = await run({ parallelism: 2, config, batchSize: 8, stopAfter: [2, 20] });
    const middle = await run({ parallelism: 3, config, batchSize: 8, restore: restoreOf(before), stopAfter: [2, 3, 4] });
    for (const s of middle) expect(s.position).toHaveProperty('prior');
    const after = await run({ parallelism: 1, config, batchSize: 8, restore: restoreOf(middle) });
    expect(allIds(before, middle, after)).toEqual(range(400));
  });

  it('random chains of failures and parallelism changes: every event exactly once', async () => {
    let seed = 4242;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const small: NexmarkSourceConfig = { count: 150, event_rate: 5000, seed: 2 }; // 5 events per ms: ids from content below
    const gen = new NexmarkGenerator(small);
    const expected = gen.events(0, 150).map((r) => JSON.stringify(r));
    for (let scenario = 0; scenario < 12; scenario++) {
      const rows: string[] = [];
      let restore: SourceRestore | undefined;
      const failures = 1 + rand(3);
      for (let r = 0; r <= failures; r++) {
        const parallelism = 1 + rand(4);
        const last = r === failures;
        const stopAfter = last ? undefined : range(parallelism).map(() => rand(6));
        const subtasks: { batches: RecordBatch[]; position: SourcePosition }[] = [];
        const sources: NexmarkSource[] = [];
        const ended: Promise<unknown>[] = [];
        for (let i = 0; i < parallelism; i++) {
          const limit = stopAfter?.[i];
          const source = new NexmarkSource(small, restore);
          const sub = { batches: [] as RecordBatch[], position: source.position() };
          subtasks.push(sub);
          if (limit === 0) continue;
          sources.push(source);
          const col = collector(nc, { subtaskIndex: i, parallelism, batchSize: 1 + rand(10) });
          let calls = 0;
          let reached!: () => void;
          const stopped = new Promise<void>((res) => (reached = res));
          await source.start({
            ...col.ctx,
            emit(batch: RecordBatch) {
              sub.position = source.position();
              sub.batches.push(batch);
              if (limit !== undefined && ++calls >= limit) {
                reached();
                return new Promise<void>(() => {});
              }
              return Promise.resolve();
            },
          });
          ended.push(limit !== undefined ? Promise.race([stopped, source.done]) : source.done);
        }
        await Promise.all(ended);
        await Promise.all(sources.map((s) => s.stop(false)));
        rows.push(...nexmarkRowsOf(subtasks.flatMap((s) => s.batches)).map((x) => JSON.stringify(x)));
        restore = { parallelism, positions: subtasks.map((s) => decodeControl(encodeControl(s.position))) };
      }
      expect(rows.sort(), `scenario ${scenario}`).toEqual([...expected].sort());
    }
  });

  it('refuses a restore whose positions are not nexmark positions', () => {
    expect(() => new NexmarkSource({ count: 5 }, { parallelism: 1, positions: [{ seq: 4 }] })).toThrow(InternalError);
  });
});
