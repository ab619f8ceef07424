// The conformance suite every sink must pass. A fixture builds one sink for one subtask and says
// how to observe what reached its destination; the suite checks the contract of
// src/connectors/types.ts: every record arrives as a JSON object with the column names once
// flush() or close() resolved, and write() waits while the destination does not keep up.
// A transactional sink (exactly-once, preCommit/commit) delivers only what a commit covered: the
// suite commits before it looks, checks that nothing shows before the commit, and that the
// commit is what waits for a stalled destination.

import type { NatsConnection } from '@nats-io/nats-core';
import type { RecordBatch } from 'apache-arrow';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Sink, SinkContext } from '../../src/connectors/types.js';
import { batchToJsonRows, JsonBatchBuilder } from '../../src/dataflow/arrow/index.js';
import type { Schema } from '../../src/types.js';
import { connectTest, uniqueName } from '../helpers/nats.js';
import { settlesWithin } from './sources.js';

export type Received = Record<string, unknown>[] | number;

export interface SinkCase {
  sink: Sink;
  /** Context to open the sink with; defaults to the one the suite passed to setup(). */
  ctx?: SinkContext;
  /** What reached the destination so far: the parsed records, or just a count when it keeps none. */
  received(): Promise<Received>;
  /** Makes the destination stop taking data until release(); absent when it cannot be stalled. */
  stall?(): { release(): void };
  cleanup?(): Promise<void>;
}

export interface SinkFixture {
  name: string;
  /** Everything written (committed, if transactional) can be observed once flush() resolves. */
  visibleOnFlush: boolean;
  /** The sink has preCommit/commit, and publishes nothing before a commit. */
  transactional: boolean;
  setup(s: { nc: NatsConnection; ctx: SinkContext }): Promise<SinkCase>;
}

/** Every column type, nullable columns with some nulls. */
export const SINK_SCHEMA: Schema = {
  fields: [
    { name: 'id', type: 'int64', nullable: false },
    { name: 'name', type: 'utf8' },
    { name: 'score', type: 'float64' },
    { name: 'n', type: 'int32' },
    { name: 'ok', type: 'bool' },
    { name: 'at', type: 'timestamp' },
  ],
};

/** Rows first..first+count-1 of SINK_SCHEMA; `id` is the row number. */
export function sinkBatch(first: number, count: number): RecordBatch {
  const b = new JsonBatchBuilder(SINK_SCHEMA, count);
  for (let i = first; i < first + count; i++) {
    const err = b.appendObject({
      id: i,
      name: i % 5 === 0 ? null : `name-${i} "quoted" ü`,
      score: i / 4,
      n: i % 1000,
      ok: i % 2 === 0,
      at: 1_700_000_000_000 + i,
    });
    if (err !== null) throw new Error(err);
  }
  return b.finish();
}

export function sinkContext(nc: NatsConnection, schema: Schema = SINK_SCHEMA): SinkContext {
  return {
    jobId: uniqueName('job'),
    runId: 1,
    taskId: 'task-1',
    subtaskIndex: 0,
    parallelism: 1,
    nc,
    prefix: uniqueName('rv'),
    log: pino({ level: 'silent' }),
    schema,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function count(r: Received): number {
  return typeof r === 'number' ? r : r.length;
}

/** The JSON objects the batches stand for, by id. */
function expected(batches: RecordBatch[]): Record<string, unknown>[] {
  return batches.flatMap((b) => batchToJsonRows(b).map((s) => JSON.parse(s) as Record<string, unknown>));
}

function byId(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return [...rows].sort((a, b) => Number(a.id) - Number(b.id));
}

export function sinkConformance(fixture: SinkFixture): void {
  describe(`sink conformance: ${fixture.name}`, () => {
    let nc: NatsConnection;
    const cleanups: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      nc = await connectTest();
    });
    afterAll(async () => {
      await nc?.close();
    });
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c().catch(() => undefined);
    });

    let epoch = 0;
    /** What a completed checkpoint does for a transactional sink; nothing for the others. */
    async function commitAll(c: SinkCase): Promise<void> {
      if (!fixture.transactional) return;
      epoch++;
      await c.sink.preCommit!(epoch);
      await c.sink.commit!(epoch);
    }

    async function openCase(): Promise<SinkCase> {
      const ctx = sinkContext(nc);
      const c = await fixture.setup({ nc, ctx });
      cleanups.push(async () => {
        await c.sink.close().catch(() => undefined);
        await c.cleanup?.();
      });
      await c.sink.open(c.ctx ?? ctx);
      return c;
    }

    /** The destination's view, waiting for it when delivery is asynchronous. */
    async function receivedAll(c: SinkCase, n: number): Promise<Received> {
      if (!fixture.visibleOnFlush) {
        await vi.waitFor(async () => expect(count(await c.received())).toBeGreaterThanOrEqual(n), {
          timeout: 5_000,
          interval: 20,
        });
        await sleep(50); // let duplicates show if there were any
      }
      return c.received();
    }

    function expectDelivered(got: Received, batches: RecordBatch[]): void {
      const want = expected(batches);
      if (typeof got === 'number') {
        expect(got).toBe(want.length);
        return;
      }
      expect(got).toHaveLength(want.length);
      expect(byId(got)).toEqual(byId(want));
      const names = SINK_SCHEMA.fields.map((f) => f.name).sort();
      const full = got.find((r) => Number(r.id) === 1)!;
      expect(Object.keys(full).sort()).toEqual(names);
      expect(full.name).toBe('name-1 "quoted" ü');
    }

    it('delivers every record as a JSON object with the column names once flush() resolves', async () => {
      const c = await openCase();
      const batches = [sinkBatch(0, 40), sinkBatch(40, 40), sinkBatch(80, 40)];
      for (const b of batches) await c.sink.write(b);
      await commitAll(c);
      await c.sink.flush();
      expectDelivered(await receivedAll(c, 120), batches);
    });

    it('close() delivers everything written (and committed) without a flush', async () => {
      const c = await openCase();
      const batches = [sinkBatch(0, 70), sinkBatch(70, 30)];
      for (const b of batches) await c.sink.write(b);
      await commitAll(c);
      await c.sink.close();
      expectDelivered(await receivedAll(c, 100), batches);
    });

    it('takes an empty batch and delivers nothing for it', async () => {
      const c = await openCase();
      await c.sink.write(sinkBatch(0, 0));
      const one = sinkBatch(0, 3);
      await c.sink.write(one);
      await commitAll(c);
      await c.sink.flush();
      expectDelivered(await receivedAll(c, 3), [one]);
    });

    it.runIf(fixture.transactional)('shows nothing before a commit: not after flush(), not after preCommit(), not after close()', async () => {
      const c = await openCase();
      await c.sink.write(sinkBatch(0, 50));
      await c.sink.flush();
      await sleep(100);
      expect(count(await c.received())).toBe(0);
      await c.sink.preCommit!(++epoch);
      await c.sink.write(sinkBatch(50, 50));
      await c.sink.flush();
      await sleep(100);
      expect(count(await c.received())).toBe(0);
      await c.sink.close();
      await sleep(100);
      expect(count(await c.received())).toBe(0);
    });

    it.runIf(fixture.transactional)('commit() waits while the destination is stalled, and loses nothing', async (t) => {
      const c = await openCase();
      if (!c.stall) return t.skip();
      for (let i = 0; i < 20; i++) await c.sink.write(sinkBatch(i * 100, 100));
      await c.sink.preCommit!(++epoch);
      const stalled = c.stall();
      const committing = c.sink.commit!(epoch);
      const settled = await settlesWithin(committing, 400);
      stalled.release(); // before asserting: a failed test must not leave the sink stuck for cleanup
      expect(settled).toBe(false);
      await committing;
      await c.sink.flush();
      expect(count(await receivedAll(c, 2000))).toBe(2000);
    });

    it.runIf(!fixture.transactional)('write() waits while the destination is stalled, and loses nothing', async (t) => {
      const c = await openCase();
      if (!c.stall) return t.skip(); // e.g. blackhole: nothing downstream to stall
      const stalled = c.stall();
      const batches = Array.from({ length: 20 }, (_, i) => sinkBatch(i * 100, 100));
      let written = 0;
      const writing = (async () => {
        for (const b of batches) {
          await c.sink.write(b);
          written++;
        }
      })();
      await sleep(400);
      const whileStalled = written;
      stalled.release(); // before asserting: a failed test must not leave the sink stuck for cleanup
      expect(whileStalled).toBeLessThan(batches.length);
      await writing;
      await c.sink.flush();
      expect(count(await receivedAll(c, 2000))).toBe(2000);
    });
  });
}
