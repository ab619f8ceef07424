// Sources restored from checkpointed positions, also at another parallelism: every record is
// emitted exactly once over the runs before and after the restore. Each "run" stops its subtasks
// after a given number of batches, as a failure would, and takes the position the runner would
// have stored: the one read inside the last emit. Positions go through msgpack, as in a checkpoint.

import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { RecordBatch } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSource } from '../src/connectors/registry.js';
import { ImpulseSource } from '../src/connectors/sources/impulse.js';
import { JetStreamSource } from '../src/connectors/sources/jetstream.js';
import type { Source, SourcePosition, SourceRestore } from '../src/connectors/types.js';
import { InternalError } from '../src/errors.js';
import { decodeControl, encodeControl } from '../src/nats/codec.js';
import { deleteStreamIfExists, ensureStream } from '../src/nats/streams.js';
import type { Schema } from '../src/types.js';
import { collector, columnValues } from './conformance/sources.js';
import { connectTest, uniqueName } from './helpers/nats.js';

const RECORD_SCHEMA: Schema = {
  fields: [
    { name: 'id', type: 'int64', nullable: false },
    { name: 'name', type: 'utf8' },
  ],
};
const enc = new TextEncoder();
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Subtask {
  /** Ids of every row handed to emit. */
  ids: number[];
  /** The position read inside the last emit; before start() when nothing was emitted (the runner stores that one then). */
  position: SourcePosition;
}

interface RunOptions {
  parallelism: number;
  make: (restore: SourceRestore | undefined) => Source;
  restore?: SourceRestore | undefined;
  idColumn: string;
  batchSize: number;
  lingerMs?: number;
  /** Per subtask: batches after which it "fails" (its emit never returns); 0: fails before start(); absent: runs to the end. */
  stopAfter?: (number | undefined)[];
  /** For unbounded sources: rows the whole run emits when it runs to the end. */
  expectRows?: number;
}

let nc: NatsConnection;
beforeAll(async () => {
  nc = await connectTest();
});
afterAll(async () => {
  await nc.close();
});

/** Runs one run of a source's subtasks and returns what each emitted and where it stood. */
async function run(o: RunOptions): Promise<Subtask[]> {
  const subtasks: Subtask[] = [];
  const sources: Source[] = [];
  const ended: Promise<unknown>[] = [];
  for (let i = 0; i < o.parallelism; i++) {
    const limit = o.stopAfter?.[i];
    const source = o.make(o.restore);
    subtasks.push({ ids: [], position: source.position() });
    if (limit === 0) continue;
    sources.push(source);
    const col = collector(nc, { subtaskIndex: i, parallelism: o.parallelism, batchSize: o.batchSize, lingerMs: o.lingerMs ?? 5 });
    let calls = 0;
    let reached!: () => void;
    const stopped = new Promise<void>((resolve) => (reached = resolve));
    await source.start({
      ...col.ctx,
      emit(batch: RecordBatch) {
        subtasks[i]!.position = source.position();
        subtasks[i]!.ids.push(...columnValues([batch], o.idColumn));
        if (limit !== undefined && ++calls >= limit) {
          reached();
          return new Promise<void>(() => {}); // the subtask hangs here, as if it failed
        }
        return Promise.resolve();
      },
    });
    // An unbounded source that runs to the end never finishes: expectRows says when it is through.
    if (limit !== undefined) ended.push(Promise.race([stopped, source.done]));
    else if (o.expectRows === undefined) ended.push(source.done);
  }
  await Promise.all(ended);
  if (o.expectRows !== undefined) {
    await vi.waitFor(() => expect(subtasks.reduce((n, s) => n + s.ids.length, 0)).toBeGreaterThanOrEqual(o.expectRows!), {
      timeout: 10_000,
      interval: 10,
    });
    await sleep(150); // a repeat would show up now
  }
  await Promise.all(sources.map((s) => s.stop(false)));
  return subtasks;
}

/** The restore a checkpoint of `subtasks` gives, through msgpack; `missing` subtasks stored no position. */
function restoreOf(subtasks: Subtask[], missing: number[] = []): SourceRestore {
  const positions: SourcePosition[] = [];
  subtasks.forEach((s, i) => {
    if (!missing.includes(i)) positions[i] = decodeControl(encodeControl(s.position));
  });
  return { parallelism: subtasks.length, positions };
}

/** Each subtask j of M emitted only ids ≡ j (mod M), in increasing order. */
function expectResidues(subtasks: Subtask[]): void {
  const m = subtasks.length;
  subtasks.forEach((s, j) => {
    expect(s.ids.every((c) => c % m === j)).toBe(true);
    expect(s.ids).toEqual(sorted(s.ids));
  });
}

const allIds = (...runs: Subtask[][]) => sorted(runs.flat().flatMap((s) => s.ids));

describe('impulse source restore', () => {
  const count = 1000;
  const impulse = (restore?: SourceRestore) => new ImpulseSource({ count }, restore);
  const opts = { make: impulse, idColumn: 'counter', batchSize: 16 };

  it('2 → 3 subtasks: every counter exactly once over both runs, and no prior once caught up', async () => {
    const before = await run({ ...opts, parallelism: 2, stopAfter: [3, 9] });
    expect(before.map((s) => s.ids.length)).toEqual([48, 144]);
    const after = await run({ ...opts, parallelism: 3, restore: restoreOf(before) });
    expectResidues(after);
    expect(allIds(before, after)).toEqual(range(count));
    for (const s of after) expect(s.position).not.toHaveProperty('prior');
  });

  it('3 → 1 subtask, one old subtask with no position: every counter exactly once', async () => {
    const before = await run({ ...opts, parallelism: 3, stopAfter: [2, 5, 0] });
    const restore = restoreOf(before, [2]); // subtask 2 never read anything (a fresh run only)
    expect(restore.positions).toHaveLength(2);
    const after = await run({ ...opts, parallelism: 1, restore });
    expectResidues(after);
    expect(allIds(before, after)).toEqual(range(count));
  });

  it('2 → 3 → 1 with the middle run stopped while catching up: its positions carry the old run along', async () => {
    const before = await run({ ...opts, parallelism: 2, stopAfter: [2, 25] });
    const middle = await run({ ...opts, parallelism: 3, restore: restoreOf(before), stopAfter: [2, 3, 4] });
    // Below the old run's highest counter the new subtasks skip what it emitted; their positions
    // must say so, or the next restore would emit those counters again.
    for (const s of middle) expect(s.position).toHaveProperty('prior');
    expectResidues(middle);
    const after = await run({ ...opts, parallelism: 1, restore: restoreOf(middle) });
    expect(allIds(before, middle, after)).toEqual(range(count));
  });

  it('random chains of failures and parallelism changes: every counter exactly once', async () => {
    let seed = 20240601;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let scenario = 0; scenario < 60; scenario++) {
      const runs: Subtask[][] = [];
      let restore: SourceRestore | undefined;
      const failures = 2 + rand(3);
      for (let r = 0; r <= failures; r++) {
        const parallelism = 1 + rand(5);
        const last = r === failures;
        // Some subtasks fail early, others late: wide gaps that later runs must fill while failing again.
        const stopAfter = last ? undefined : range(parallelism).map(() => (rand(2) === 0 ? rand(3) : rand(40)));
        const batchSize = 1 + rand(12);
        const make = (x?: SourceRestore) => new ImpulseSource({ count: 1000 }, x);
        const subtasks = await run({ make, idColumn: 'counter', batchSize, parallelism, restore, stopAfter });
        expectResidues(subtasks);
        runs.push(subtasks);
        restore = restoreOf(subtasks);
      }
      expect(allIds(...runs), `scenario ${scenario}`).toEqual(range(1000));
    }
  });

  it('restoring at the same parallelism from a finished run emits nothing more', async () => {
    const before = await run({ ...opts, parallelism: 2 });
    const after = await run({ ...opts, parallelism: 2, restore: restoreOf(before) });
    expect(after.flatMap((s) => s.ids)).toEqual([]);
    expect(allIds(before)).toEqual(range(count));
  });

  it('an unbounded impulse restored at 1 → 2 continues above the old counters without gaps', async () => {
    const endless = (restore?: SourceRestore) => new ImpulseSource({}, restore);
    const before = await run({ make: endless, idColumn: 'counter', batchSize: 16, parallelism: 1, stopAfter: [4] });
    const after = await run({ make: endless, idColumn: 'counter', batchSize: 16, parallelism: 2, restore: restoreOf(before), stopAfter: [3, 3] });
    expect(before[0]!.ids).toEqual(range(64));
    expect(after.map((s) => s.ids)).toEqual([range(48).map((i) => 64 + 2 * i), range(48).map((i) => 65 + 2 * i)]);
  });

  it('refuses a restore whose positions are not impulse positions', () => {
    expect(() => new ImpulseSource({ count }, { parallelism: 1, positions: [{ seq: 4 }] })).toThrow(InternalError);
    expect(() => new ImpulseSource({ count }, { parallelism: 1, positions: [{ next: 1 }, { next: 2 }] })).toThrow(InternalError);
    expect(() => createSource({ type: 'impulse', config: { count } }, { parallelism: 0, positions: [] })).toThrow(/invalid source restore/);
  });
});

describe('jetstream source restore', () => {
  let jsm: JetStreamManager;
  const streams: string[] = [];
  beforeAll(async () => {
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    for (const s of streams) await deleteStreamIfExists(jsm, s);
  });

  /** A stream holding records 0..n-1 at sequences 1..n. */
  async function filledStream(n: number) {
    const stream = uniqueName('JRST');
    const subject = `${stream}.in`;
    streams.push(stream);
    await ensureStream(jsm, { name: stream, subjects: [subject] });
    const js = jetstream(nc);
    for (let i = 0; i < n; i += 200) {
      await Promise.all(range(Math.min(200, n - i), i).map((id) => js.publish(subject, enc.encode(JSON.stringify({ id, name: `n${id}` })))));
    }
    const config = { stream, subject, format: 'json' as const, schema: RECORD_SCHEMA };
    return (restore?: SourceRestore) => new JetStreamSource(config, restore);
  }

  it('2 → 3 subtasks: every message exactly once over both runs', async () => {
    const make = await filledStream(600);
    // A long linger: the old run only emits full batches, so it stops exactly where we say.
    const before = await run({ make, idColumn: 'id', batchSize: 20, lingerMs: 60_000, parallelism: 2, stopAfter: [2, 7] });
    expect(before.map((s) => s.ids.length)).toEqual([40, 140]);
    expect(before.map((s) => (s.position as { seq: number }).seq)).toEqual([79, 280]);
    const after = await run({ make, idColumn: 'id', batchSize: 20, parallelism: 3, restore: restoreOf(before), expectRows: 600 - 180 });
    expectResidues(after);
    expect(allIds(before, after)).toEqual(range(600));
  });

  it('3 → 1 subtask: every message exactly once', async () => {
    const make = await filledStream(500);
    const before = await run({ make, idColumn: 'id', batchSize: 10, lingerMs: 60_000, parallelism: 3, stopAfter: [1, 6, 3] });
    const done = before.reduce((n, s) => n + s.ids.length, 0);
    const after = await run({ make, idColumn: 'id', batchSize: 10, parallelism: 1, restore: restoreOf(before), expectRows: 500 - done });
    expect(allIds(before, after)).toEqual(range(500));
  });

  it('2 → 3 → 1 with the middle run stopped while catching up: nothing lost or repeated', async () => {
    const make = await filledStream(400);
    const before = await run({ make, idColumn: 'id', batchSize: 10, lingerMs: 60_000, parallelism: 2, stopAfter: [1, 15] });
    const middle = await run({
      make,
      idColumn: 'id',
      batchSize: 5,
      lingerMs: 60_000,
      parallelism: 3,
      restore: restoreOf(before),
      stopAfter: [2, 1, 3],
    });
    for (const s of middle) expect(s.position).toHaveProperty('prior');
    expectResidues(middle);
    const done = [...before, ...middle].reduce((n, s) => n + s.ids.length, 0);
    const after = await run({ make, idColumn: 'id', batchSize: 10, parallelism: 1, restore: restoreOf(middle), expectRows: 400 - done });
    expect(allIds(before, middle, after)).toEqual(range(400));
  });

  it('a restore overrides start_sequence; an old subtask without a position starts there', async () => {
    const stream = uniqueName('JRSS');
    const subject = `${stream}.in`;
    streams.push(stream);
    await ensureStream(jsm, { name: stream, subjects: [subject] });
    const js = jetstream(nc);
    for (const id of range(20)) await js.publish(subject, enc.encode(JSON.stringify({ id, name: 'x' })));
    const make = (restore?: SourceRestore) =>
      new JetStreamSource({ stream, subject, format: 'json', schema: RECORD_SCHEMA, start_sequence: 11 }, restore);
    // Old subtask 0 of 2 got to sequence 15 (ids ≤ 14 of its share); subtask 1 read nothing.
    const restore: SourceRestore = { parallelism: 2, positions: [{ seq: 15 }] };
    const source = make(restore);
    expect(source.position()).toEqual({ seq: 10, prior: { parallelism: 2, positions: [{ seq: 15 }, { seq: 10 }] } });
    const after = await run({ make, idColumn: 'id', batchSize: 10, parallelism: 1, restore, expectRows: 7 });
    // From sequence 11 (start_sequence): odd ids of subtask 1's share, even ones after 15.
    expect(after[0]!.ids).toEqual([11, 13, 15, 16, 17, 18, 19]);
    expect(after[0]!.position).toEqual({ seq: 20 });
  });
});
