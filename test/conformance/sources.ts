// The conformance suite every source must pass. A fixture says how to build one source for one
// subtask and how to feed it; the suite checks the contract of src/connectors/types.ts: start()
// means consuming, batches carry the declared schema, stop() is honoured, emit is awaited
// (backpressure), bad records are counted and skipped, and position() read inside emit covers
// exactly the batches handed on so far: restoring from it continues with the next record.

import type { NatsConnection } from '@nats-io/nats-core';
import type { RecordBatch } from 'apache-arrow';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Source, SourceContext, SourcePosition, SourceRestore } from '../../src/connectors/types.js';
import { toArrowSchema } from '../../src/dataflow/arrow/index.js';
import { decodeControl, encodeControl } from '../../src/nats/codec.js';
import { connectTest, uniqueName } from '../helpers/nats.js';

/** A source as the suite sees it: the contract, plus how many rows it holds unemitted. */
export type BufferingSource = Source & { readonly bufferedRows: number };

export interface SourceCase {
  source: BufferingSource;
  /**
   * Makes `n` more records readable (publishes them). A generating source ignores this: it was
   * set up to produce `records` rows by itself.
   */
  produce(n: number): Promise<void>;
  /** Makes one undecodable record readable; absent when the source does not decode input. */
  produceBad?(): Promise<void>;
  /** Another source over the same input (same stream, same count), restored from `restore`. */
  restored(restore: SourceRestore): BufferingSource;
  cleanup?(): Promise<void>;
}

export interface SourceSetup {
  nc: NatsConnection;
  /** Rows the case delivers in total (a generating source produces exactly this many). */
  records: number;
  /** The source should not run out by itself (an unbounded impulse); feeding sources ignore it. */
  endless: boolean;
}

export interface SourceFixture {
  name: string;
  /** Whether `done` resolves by itself after the last record (a bounded source). */
  bounded: boolean;
  /** Whether the source decodes input (then its cases provide produceBad). */
  decodes: boolean;
  /** Whether a restored source replays from its position (else it accepts and ignores restores). */
  replayable: boolean;
  /** An integer column that tells the records apart (the row number the case produced). */
  idColumn: string;
  setup(s: SourceSetup): Promise<SourceCase>;
}

export interface ContextOptions {
  batchSize?: number;
  lingerMs?: number;
  subtaskIndex?: number;
  parallelism?: number;
  jobId?: string;
  taskId?: string;
}

/** A SourceContext that records what the source emits and can hold emits back. */
export interface Collector {
  ctx: SourceContext;
  abort: AbortController;
  batches: RecordBatch[];
  bad: { reason: string; raw?: Uint8Array }[];
  rows(): number;
  emitCalls(): number;
  /** Most emits ever running at once; the contract allows one. */
  maxConcurrentEmits(): number;
  /** Emits from now on wait until release(). */
  hold(): void;
  release(): void;
}

export function collector(nc: NatsConnection, o: ContextOptions = {}): Collector {
  const batches: RecordBatch[] = [];
  const bad: { reason: string; raw?: Uint8Array }[] = [];
  const abort = new AbortController();
  let calls = 0;
  let active = 0;
  let maxActive = 0;
  let gate: { promise: Promise<void>; open: () => void } | null = null;
  const ctx: SourceContext = {
    jobId: o.jobId ?? uniqueName('job'),
    runId: 1,
    taskId: o.taskId ?? 'task-1',
    subtaskIndex: o.subtaskIndex ?? 0,
    parallelism: o.parallelism ?? 1,
    nc,
    prefix: 'rivulet',
    log: pino({ level: 'silent' }),
    batchSize: o.batchSize ?? 100,
    lingerMs: o.lingerMs ?? 5,
    signal: abort.signal,
    async emit(batch) {
      calls++;
      active++;
      maxActive = Math.max(maxActive, active);
      batches.push(batch);
      try {
        if (gate) await gate.promise;
      } finally {
        active--;
      }
    },
    reportBadRecord(reason, raw) {
      bad.push(raw === undefined ? { reason } : { reason, raw });
    },
  };
  return {
    ctx,
    abort,
    batches,
    bad,
    rows: () => batches.reduce((n, b) => n + b.numRows, 0),
    emitCalls: () => calls,
    maxConcurrentEmits: () => maxActive,
    hold() {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
    },
    release() {
      gate?.open();
      gate = null;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves true when `p` settles within `ms`. */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const settled = p.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Values of an integer column over batches. */
export function columnValues(batches: RecordBatch[], name: string): number[] {
  return batches.flatMap((b) => Array.from(b.getChild(name)!.toArray() as ArrayLike<number | bigint>, Number));
}

/** The context's emit, with `source.position()` read synchronously on each call (as the runner does). */
export function recordPositions(ctx: SourceContext, source: () => Source): { ctx: SourceContext; positions: SourcePosition[] } {
  const positions: SourcePosition[] = [];
  return {
    positions,
    ctx: {
      ...ctx,
      emit(batch) {
        positions.push(source().position());
        return ctx.emit(batch);
      },
    },
  };
}

export function sourceConformance(fixture: SourceFixture): void {
  describe(`source conformance: ${fixture.name}`, () => {
    let nc: NatsConnection;
    const cases: SourceCase[] = [];

    beforeAll(async () => {
      nc = await connectTest();
    });
    afterAll(async () => {
      await nc?.close();
    });
    afterEach(async () => {
      for (const c of cases.splice(0)) {
        await c.source.stop(false).catch(() => undefined);
        await c.cleanup?.();
      }
    });

    async function setup(records: number, endless = false): Promise<SourceCase> {
      const c = await fixture.setup({ nc, records, endless });
      cases.push(c);
      return c;
    }

    it('starts, then reads records produced after start() resolved', async () => {
      const c = await setup(250);
      const col = collector(nc);
      await c.source.start(col.ctx);
      await c.produce(250);
      await vi.waitFor(() => expect(col.rows()).toBe(250), { timeout: 5_000, interval: 10 });
      if (fixture.bounded) await expect(settlesWithin(c.source.done, 5_000)).resolves.toBe(true);
      expect(col.bad).toEqual([]);
    });

    it('emits non-empty batches of the declared schema, at most batchSize rows each', async () => {
      const c = await setup(250);
      const col = collector(nc, { batchSize: 64 });
      await c.source.start(col.ctx);
      await c.produce(250);
      await vi.waitFor(() => expect(col.rows()).toBe(250), { timeout: 5_000, interval: 10 });
      const want = toArrowSchema(c.source.schema).fields.map((f) => [f.name, String(f.type)]);
      expect(col.batches.length).toBeGreaterThanOrEqual(4);
      for (const b of col.batches) {
        expect(b.schema.fields.map((f) => [f.name, String(f.type)])).toEqual(want);
        expect(b.numRows).toBeGreaterThan(0);
        expect(b.numRows).toBeLessThanOrEqual(64);
      }
    });

    it('hands on a partly filled batch after lingerMs', async () => {
      const c = await setup(3);
      const col = collector(nc, { batchSize: 1000, lingerMs: 20 });
      await c.source.start(col.ctx);
      await c.produce(3);
      await vi.waitFor(() => expect(col.rows()).toBe(3), { timeout: 2_000, interval: 10 });
    });

    it('stop(false) settles done promptly and emits nothing afterwards', async () => {
      const c = await setup(500, true);
      const col = collector(nc, { batchSize: 50 });
      await c.source.start(col.ctx);
      await c.produce(500);
      await vi.waitFor(() => expect(col.rows()).toBeGreaterThan(0), { timeout: 5_000, interval: 5 });
      await c.source.stop(false);
      await expect(settlesWithin(c.source.done, 5_000)).resolves.toBe(true);
      await c.source.done;
      const calls = col.emitCalls();
      await sleep(150);
      expect(col.emitCalls()).toBe(calls);
    });

    it('stop(false) does not wait for an emit that hangs', async () => {
      const c = await setup(500, true);
      const col = collector(nc, { batchSize: 50 });
      col.hold();
      await c.source.start(col.ctx);
      await c.produce(500);
      await vi.waitFor(() => expect(col.emitCalls()).toBe(1), { timeout: 5_000, interval: 5 });
      const stopped = await settlesWithin(c.source.stop(false), 5_000);
      const done = await settlesWithin(c.source.done, 5_000);
      col.release(); // before asserting: a failed test must not leave the source stuck for cleanup
      expect(stopped).toBe(true);
      expect(done).toBe(true);
      await sleep(100);
      expect(col.emitCalls()).toBe(1);
    });

    it('stop(true) hands on rows read but not yet emitted', async () => {
      const c = await setup(5);
      // A linger far beyond the test: only the drain can emit these rows.
      const col = collector(nc, { batchSize: 1000, lingerMs: 60_000 });
      await c.source.start(col.ctx);
      await c.produce(5);
      await sleep(300);
      await c.source.stop(true);
      expect(col.rows()).toBe(5);
      await expect(settlesWithin(c.source.done, 5_000)).resolves.toBe(true);
    });

    it('awaits emit: stops reading while held, never two emits at once, nothing lost', async () => {
      const c = await setup(1000);
      const col = collector(nc, { batchSize: 100 });
      col.hold();
      await c.source.start(col.ctx);
      await c.produce(1000);
      await sleep(300);
      const calls = col.emitCalls();
      const buffered = c.source.bufferedRows;
      col.release();
      expect(calls).toBe(1);
      // What a slow downstream makes the source hold stays about one batch, not the whole input.
      expect(buffered).toBeLessThanOrEqual(100);
      await vi.waitFor(() => expect(col.rows()).toBe(1000), { timeout: 5_000, interval: 10 });
      expect(col.maxConcurrentEmits()).toBe(1);
    });

    it('the abort signal stops reading; stop(true) afterwards still settles done', async () => {
      const c = await setup(100, true);
      const col = collector(nc, { batchSize: 10 });
      await c.source.start(col.ctx);
      col.abort.abort();
      await c.source.stop(true);
      await expect(settlesWithin(c.source.done, 5_000)).resolves.toBe(true);
      const rows = col.rows();
      await c.produce(100);
      await sleep(150);
      expect(col.rows()).toBe(rows);
    });

    /** Restores from `position` over the case's input; resolves with the ids it emits once `want` many arrived. */
    async function replayFrom(c: SourceCase, position: SourcePosition, want: number): Promise<number[]> {
      const source = c.restored({ parallelism: 1, positions: [decodeControl(encodeControl(position))] });
      const col = collector(nc, { batchSize: 64 });
      cases.push({ ...c, source, cleanup: undefined });
      await source.start(col.ctx);
      if (fixture.bounded) await expect(settlesWithin(source.done, 5_000)).resolves.toBe(true);
      else await vi.waitFor(() => expect(col.rows()).toBeGreaterThanOrEqual(want), { timeout: 5_000, interval: 10 });
      await sleep(100); // a repeat would show up now
      await source.stop(false);
      return columnValues(col.batches, fixture.idColumn);
    }

    it.runIf(fixture.replayable)('position() read inside emit covers that batch: restoring from it continues with the next record', async () => {
      const c = await setup(300);
      const before = c.source.position();
      const col = collector(nc, { batchSize: 64 });
      const rec = recordPositions(col.ctx, () => c.source);
      await c.source.start(rec.ctx);
      await c.produce(300);
      await vi.waitFor(() => expect(col.rows()).toBe(300), { timeout: 5_000, interval: 10 });
      expect(rec.positions).toHaveLength(col.batches.length);
      // Plain data: a checkpoint stores it as msgpack.
      for (const p of rec.positions) expect(decodeControl(encodeControl(p))).toEqual(p);
      const ids = columnValues(col.batches, fixture.idColumn);
      // From before the start, after the first batch, after a middle one, after the last.
      const cuts = [-1, 0, Math.floor(col.batches.length / 2), col.batches.length - 1];
      for (const k of cuts) {
        const done = col.batches.slice(0, k + 1).reduce((n, b) => n + b.numRows, 0);
        const position = k < 0 ? before : rec.positions[k];
        expect(await replayFrom(c, position, 300 - done)).toEqual(ids.slice(done));
      }
    });

    it.runIf(fixture.replayable && fixture.decodes)('a batch queued behind a slow emit is not in the position until its own emit', async () => {
      const c = await setup(30);
      // Partial batches go out by linger while the first emit hangs, so later ones queue up.
      const col = collector(nc, { batchSize: 1000, lingerMs: 20 });
      const rec = recordPositions(col.ctx, () => c.source);
      col.hold();
      await c.source.start(rec.ctx);
      for (let wave = 0; wave < 3; wave++) {
        await c.produce(10);
        await sleep(150);
      }
      col.release();
      await vi.waitFor(() => expect(col.rows()).toBe(30), { timeout: 5_000, interval: 10 });
      expect(col.batches.length).toBeGreaterThanOrEqual(2);
      const ids = columnValues(col.batches, fixture.idColumn);
      let done = 0;
      for (let k = 0; k < col.batches.length; k++) {
        done += col.batches[k]!.numRows;
        expect(await replayFrom(c, rec.positions[k], 30 - done)).toEqual(ids.slice(done));
      }
    });

    it.runIf(!fixture.replayable)('accepts a restore, ignores it, and reads what is produced after start()', async () => {
      const c = await setup(20);
      const col = collector(nc);
      const rec = recordPositions(col.ctx, () => c.source);
      await c.source.start(rec.ctx);
      await c.produce(20);
      await vi.waitFor(() => expect(col.rows()).toBe(20), { timeout: 5_000, interval: 10 });
      for (const p of rec.positions) expect(decodeControl(encodeControl(p))).toEqual(p);
      await c.source.stop(false);
      const again = c.restored({ parallelism: 1, positions: [rec.positions.at(-1)] });
      cases.push({ ...c, source: again, cleanup: undefined });
      const col2 = collector(nc);
      await again.start(col2.ctx);
      await c.produce(5);
      await vi.waitFor(() => expect(col2.rows()).toBe(5), { timeout: 5_000, interval: 10 });
    });

    it.runIf(fixture.decodes)('counts a bad record, skips it, and reads on', async () => {
      const c = await setup(20);
      const col = collector(nc);
      await c.source.start(col.ctx);
      await c.produce(10);
      await c.produceBad!();
      await c.produce(10);
      await vi.waitFor(() => expect(col.rows()).toBe(20), { timeout: 5_000, interval: 10 });
      expect(col.bad).toHaveLength(1);
      expect(col.bad[0]!.reason).toMatch(/\S/);
      expect(col.bad[0]!.raw).toBeInstanceOf(Uint8Array);
    });
  });
}
