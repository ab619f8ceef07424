// Sources against the real test nats-server: the shared conformance suite for each, then what is
// particular to each (partitioning across subtasks, queue groups, replay by sequence, pacing).

import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { RecordBatch } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSource, sourceSchema } from '../src/connectors/registry.js';
import { ImpulseSource } from '../src/connectors/sources/impulse.js';
import { JetStreamSource } from '../src/connectors/sources/jetstream.js';
import { NatsSource, queueGroupName } from '../src/connectors/sources/nats.js';
import { ValidationError } from '../src/errors.js';
import { deleteStreamIfExists, ensureStream } from '../src/nats/streams.js';
import { IMPULSE_SCHEMA, type Schema, type SourceSpec } from '../src/types.js';
import { collector, settlesWithin, sourceConformance } from './conformance/sources.js';
import { connectTest, uniqueName } from './helpers/nats.js';

const RECORD_SCHEMA: Schema = {
  fields: [
    { name: 'id', type: 'int64', nullable: false },
    { name: 'name', type: 'utf8' },
  ],
};

const enc = new TextEncoder();
const record = (id: number) => enc.encode(JSON.stringify({ id, name: `n${id}` }));

/** Values of a numeric column over all batches. */
function column(batches: RecordBatch[], name: string): number[] {
  return batches.flatMap((b) => Array.from(b.getChild(name)!.toArray() as ArrayLike<number | bigint>, Number));
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

// ---------------------------------------------------------------------------------------------

sourceConformance({
  name: 'impulse',
  bounded: true,
  decodes: false,
  replayable: true,
  idColumn: 'counter',
  async setup({ records, endless }) {
    const config = endless ? {} : { count: records };
    return {
      source: new ImpulseSource(config),
      produce: async () => {},
      restored: (restore) => new ImpulseSource(config, restore),
    };
  },
});

sourceConformance({
  name: 'nats',
  bounded: false,
  decodes: true,
  replayable: false,
  idColumn: 'id',
  async setup({ nc }) {
    const subject = uniqueName('src.nats');
    const config = { subject, format: 'json' as const, schema: RECORD_SCHEMA };
    let next = 0;
    return {
      source: new NatsSource(config),
      restored: (restore) => new NatsSource(config, restore),
      async produce(n) {
        for (let i = 0; i < n; i++) nc.publish(subject, record(next++));
        await nc.flush();
      },
      async produceBad() {
        nc.publish(subject, enc.encode('{"id": 1,'));
        await nc.flush();
      },
    };
  },
});

sourceConformance({
  name: 'jetstream',
  bounded: false,
  decodes: true,
  replayable: true,
  idColumn: 'id',
  async setup({ nc }) {
    const stream = uniqueName('SRC');
    const subject = `${stream}.in`;
    const config = { stream, subject, format: 'json' as const, schema: RECORD_SCHEMA };
    const js = jetstream(nc);
    let next = 0;
    return {
      source: new JetStreamSource(config),
      restored: (restore) => new JetStreamSource(config, restore),
      // The source creates the stream in start(); the suite produces only after start().
      async produce(n) {
        await Promise.all(range(n).map(() => js.publish(subject, record(next++))));
      },
      async produceBad() {
        await js.publish(subject, enc.encode('not json'));
      },
      async cleanup() {
        await deleteStreamIfExists(await jetstreamManager(nc), stream);
      },
    };
  },
});

// ---------------------------------------------------------------------------------------------

describe('registry (sources)', () => {
  it('builds each source type and knows its schema without building it', () => {
    const specs: SourceSpec[] = [
      { type: 'impulse', config: { count: 3 } },
      { type: 'nats', config: { subject: 'a', format: 'json', schema: RECORD_SCHEMA } },
      { type: 'jetstream', config: { stream: 'S', subject: 'a', format: 'json', schema: RECORD_SCHEMA } },
    ];
    expect(specs.map((s) => createSource(s).constructor)).toEqual([ImpulseSource, NatsSource, JetStreamSource]);
    expect(specs.map(sourceSchema)).toEqual([IMPULSE_SCHEMA, RECORD_SCHEMA, RECORD_SCHEMA]);
    for (const s of specs) expect(createSource(s).schema).toEqual(sourceSchema(s));
  });

  it('refuses an unknown source type', () => {
    const bogus = { type: 'kafka', config: {} } as unknown as SourceSpec;
    expect(() => createSource(bogus)).toThrow(ValidationError);
    expect(() => sourceSchema(bogus)).toThrow(/unknown source type "kafka"/);
  });
});

describe('impulse source', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connectTest();
  });
  afterAll(async () => {
    await nc.close();
  });

  it('two subtasks produce 0..count-1 exactly once between them, in batches of batchSize', async () => {
    const cols = [0, 1].map((i) => collector(nc, { subtaskIndex: i, parallelism: 2, batchSize: 128 }));
    const sources = cols.map(() => new ImpulseSource({ count: 1001 }));
    await Promise.all(sources.map((s, i) => s.start(cols[i]!.ctx)));
    await Promise.all(sources.map((s) => s.done));
    const [a, b] = cols.map((c) => column(c.batches, 'counter'));
    expect(a!.length).toBe(501);
    expect(b!.length).toBe(500);
    expect(a!.every((v) => v % 2 === 0)).toBe(true);
    expect(sorted([...a!, ...b!])).toEqual(range(1001));
    expect(column(cols[1]!.batches, 'subtask_index').every((v) => v === 1)).toBe(true);
    for (const c of cols) for (const batch of c.batches) expect(batch.numRows).toBeLessThanOrEqual(128);
    expect(cols[0]!.batches.map((x) => x.numRows)).toEqual([128, 128, 128, 117]);
    const now = Date.now();
    for (const t of column(cols[0]!.batches, 'timestamp')) expect(Math.abs(now - t)).toBeLessThan(10_000);
  });

  it('a subtask with nothing to produce finishes at once without emitting', async () => {
    const col = collector(nc, { subtaskIndex: 3, parallelism: 4 });
    const source = new ImpulseSource({ count: 3 });
    await source.start(col.ctx);
    await expect(settlesWithin(source.done, 5_000)).resolves.toBe(true);
    expect(col.emitCalls()).toBe(0);
  });

  it('event_rate paces the job: 60 records at 200/s over 2 subtasks take about 0.3 s', async () => {
    const cols = [0, 1].map((i) => collector(nc, { subtaskIndex: i, parallelism: 2, batchSize: 1000 }));
    const sources = cols.map(() => new ImpulseSource({ count: 60, event_rate: 200 }));
    const t0 = Date.now();
    await Promise.all(sources.map((s, i) => s.start(cols[i]!.ctx)));
    await Promise.all(sources.map((s) => s.done));
    const elapsed = Date.now() - t0;
    // 30 records per subtask at 100/s: the last one is due 290 ms after the start.
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(2_000);
    expect(sorted(cols.flatMap((c) => column(c.batches, 'counter')))).toEqual(range(60));
    // Small batches as records come due, not one batch at the end.
    expect(cols[0]!.batches.length).toBeGreaterThan(5);
    const ts = column(cols[0]!.batches, 'timestamp');
    expect(ts).toEqual(sorted(ts));
    expect(ts.at(-1)! - ts[0]!).toBeGreaterThanOrEqual(280);
  });

  it('unbounded impulse keeps the event loop responsive', async () => {
    const col = collector(nc, { batchSize: 1024 });
    const source = new ImpulseSource({});
    await source.start(col.ctx);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await new Promise((r) => setTimeout(r, 200));
    clearInterval(timer);
    await source.stop(false);
    expect(ticks).toBeGreaterThan(10);
    expect(col.rows()).toBeGreaterThan(10_000);
  });
});

describe('nats source', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connectTest();
  });
  afterAll(async () => {
    await nc.close();
  });

  it('subtasks of one task share a queue group: each message reaches exactly one of them', async () => {
    const subject = uniqueName('src.queue');
    const jobId = uniqueName('job');
    const cols = [0, 1].map((i) => collector(nc, { subtaskIndex: i, parallelism: 2, jobId, taskId: 'task-1' }));
    const sources = cols.map(() => new NatsSource({ subject, format: 'json', schema: RECORD_SCHEMA }));
    await Promise.all(sources.map((s, i) => s.start(cols[i]!.ctx)));
    for (const id of range(1000)) nc.publish(subject, record(id));
    await nc.flush();
    await vi.waitFor(() => expect(cols[0]!.rows() + cols[1]!.rows()).toBe(1000), { timeout: 5_000, interval: 10 });
    await new Promise((r) => setTimeout(r, 100)); // a duplicate would show up now
    const ids = cols.map((c) => column(c.batches, 'id'));
    expect(sorted(ids.flat())).toEqual(range(1000));
    expect(ids[0]!.length).toBeGreaterThan(0);
    expect(ids[1]!.length).toBeGreaterThan(0);
    await Promise.all(sources.map((s) => s.stop(false)));
    expect(queueGroupName(jobId, 'task-1')).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('reports malformed JSON, wrong types and missing required fields, and reads on', async () => {
    const subject = uniqueName('src.bad');
    const col = collector(nc);
    const source = new NatsSource({ subject, format: 'json', schema: RECORD_SCHEMA });
    await source.start(col.ctx);
    const bad = ['{"id":', '[1,2]', '{"id":"twelve"}', '{"name":"no id"}'];
    nc.publish(subject, record(1));
    for (const b of bad) nc.publish(subject, enc.encode(b));
    nc.publish(subject, record(2));
    await nc.flush();
    await vi.waitFor(() => expect(col.rows()).toBe(2), { timeout: 5_000, interval: 10 });
    expect(column(col.batches, 'id')).toEqual([1, 2]);
    expect(col.bad.map((b) => new TextDecoder().decode(b.raw))).toEqual(bad);
    expect(col.bad[3]!.reason).toMatch(/id/);
    await source.stop(false);
  });

  it('position() is { records } handed to emit, the batch being emitted included and queued ones not', async () => {
    const subject = uniqueName('src.pos');
    const col = collector(nc, { batchSize: 1000, lingerMs: 20 });
    const source = new NatsSource({ subject, format: 'json', schema: RECORD_SCHEMA }, { parallelism: 3, positions: [{ records: 7 }] });
    expect(source.position()).toEqual({ records: 0 }); // the restore is ignored
    const seen: unknown[] = [];
    col.hold(); // later linger batches queue behind the first emit
    await source.start({ ...col.ctx, emit: (b) => (seen.push(source.position()), col.ctx.emit(b)) });
    for (let wave = 0; wave < 3; wave++) {
      for (let i = 0; i < 10; i++) nc.publish(subject, record(wave * 10 + i));
      await nc.flush();
      await new Promise((r) => setTimeout(r, 150));
    }
    col.release();
    await vi.waitFor(() => expect(col.rows()).toBe(30), { timeout: 5_000, interval: 10 });
    expect(col.batches.map((b) => b.numRows)).toEqual([10, 10, 10]);
    expect(seen).toEqual([{ records: 10 }, { records: 20 }, { records: 30 }]);
    await source.stop(false);
  });

  it('a failing emit fails the source: done rejects with that error', async () => {
    const subject = uniqueName('src.fail');
    const col = collector(nc, { batchSize: 1 });
    const ctx = { ...col.ctx, emit: async () => Promise.reject(new Error('downstream broke')) };
    const source = new NatsSource({ subject, format: 'json', schema: RECORD_SCHEMA });
    await source.start(ctx);
    nc.publish(subject, record(1));
    await nc.flush();
    await expect(source.done).rejects.toThrow('downstream broke');
  });
});

describe('jetstream source', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const streams: string[] = [];
  beforeAll(async () => {
    nc = await connectTest();
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    for (const s of streams) await deleteStreamIfExists(jsm, s);
    await nc.close();
  });

  /** A stream holding records 0..n-1 at sequences 1..n. */
  async function filledStream(n: number): Promise<{ stream: string; subject: string }> {
    const stream = uniqueName('JSRC');
    const subject = `${stream}.in`;
    streams.push(stream);
    await ensureStream(jsm, { name: stream, subjects: [subject] });
    const js = jetstream(nc);
    for (let i = 0; i < n; i += 100) await Promise.all(range(Math.min(100, n - i), i).map((id) => js.publish(subject, record(id))));
    return { stream, subject };
  }

  it('replays from start_sequence and reports its position', async () => {
    const { stream, subject } = await filledStream(10);
    const col = collector(nc);
    const source = new JetStreamSource({ stream, subject, format: 'json', schema: RECORD_SCHEMA, start_sequence: 4 });
    expect(source.position()).toEqual({ seq: 3 });
    await source.start(col.ctx);
    await vi.waitFor(() => expect(col.rows()).toBe(7), { timeout: 5_000, interval: 10 });
    expect(column(col.batches, 'id')).toEqual(range(7, 3)); // sequences 4..10 hold ids 3..9
    await vi.waitFor(() => expect(source.position()).toEqual({ seq: 10 }), { timeout: 2_000, interval: 10 });
    await source.stop(false);
  });

  it('partitions by stream sequence: subtask i keeps (seq - 1) % N === i, each exactly once', async () => {
    const { stream, subject } = await filledStream(301);
    const cols = [0, 1, 2].map((i) => collector(nc, { subtaskIndex: i, parallelism: 3, batchSize: 50 }));
    const sources = cols.map(() => new JetStreamSource({ stream, subject, format: 'json', schema: RECORD_SCHEMA }));
    await Promise.all(sources.map((s, i) => s.start(cols[i]!.ctx)));
    await vi.waitFor(() => expect(cols.reduce((n, c) => n + c.rows(), 0)).toBe(301), { timeout: 5_000, interval: 10 });
    cols.forEach((c, i) => {
      const ids = column(c.batches, 'id');
      // id k is at sequence k + 1, so (seq - 1) % 3 === i means k % 3 === i, in stream order.
      expect(ids).toEqual(range(301).filter((k) => k % 3 === i));
    });
    // Every subtask has accounted for the whole stream, other subtasks' messages included.
    await vi.waitFor(() => expect(sources.map((s) => s.position())).toEqual([{ seq: 301 }, { seq: 301 }, { seq: 301 }]), { timeout: 2_000, interval: 10 });
    await Promise.all(sources.map((s) => s.stop(false)));
  });

  it('a resumed source continues after position() without loss or repeat', async () => {
    const { stream, subject } = await filledStream(250);
    const config = { stream, subject, format: 'json' as const, schema: RECORD_SCHEMA };
    const first = collector(nc, { batchSize: 100, lingerMs: 60_000 });
    const a = new JetStreamSource(config);
    first.hold(); // the first batch is handed on, then the source waits
    await a.start(first.ctx);
    await vi.waitFor(() => expect(first.emitCalls()).toBe(1), { timeout: 5_000, interval: 10 });
    await a.stop(false);
    first.release();
    expect(a.position()).toEqual({ seq: 100 });
    const second = collector(nc, { batchSize: 100 });
    const b = new JetStreamSource(config, { parallelism: 1, positions: [a.position()] });
    await b.start(second.ctx);
    await vi.waitFor(() => expect(second.rows()).toBe(150), { timeout: 5_000, interval: 10 });
    expect([...column(first.batches, 'id'), ...column(second.batches, 'id')]).toEqual(range(250));
    await b.stop(false);
  });

  it('creates a missing stream, and leaves an existing one (and its other subjects) alone', async () => {
    const created = uniqueName('JNEW');
    streams.push(created);
    const s1 = new JetStreamSource({ stream: created, subject: `${created}.x`, format: 'json', schema: RECORD_SCHEMA });
    await s1.start(collector(nc).ctx);
    const info = await jsm.streams.info(created);
    expect(info.config.subjects).toEqual([`${created}.x`]);
    expect(info.config.storage).toBe('file');
    expect(info.config.retention).toBe('limits');
    await s1.stop(false);

    const stream = uniqueName('JOLD');
    streams.push(stream);
    await ensureStream(jsm, { name: stream, subjects: [`${stream}.>`] });
    const js = jetstream(nc);
    await js.publish(`${stream}.a`, record(1));
    await js.publish(`${stream}.b`, record(2));
    await js.publish(`${stream}.a`, record(3));
    const col = collector(nc);
    const s2 = new JetStreamSource({ stream, subject: `${stream}.a`, format: 'json', schema: RECORD_SCHEMA });
    await s2.start(col.ctx);
    await vi.waitFor(() => expect(col.rows()).toBe(2), { timeout: 5_000, interval: 10 });
    expect(column(col.batches, 'id')).toEqual([1, 3]);
    expect((await jsm.streams.info(stream)).config.subjects).toEqual([`${stream}.>`]);
    await s2.stop(false);
  });

  it('counts a bad record and moves its position past it', async () => {
    const { stream, subject } = await filledStream(2);
    await jetstream(nc).publish(subject, enc.encode('{"id": "x"}'));
    const col = collector(nc);
    const source = new JetStreamSource({ stream, subject, format: 'json', schema: RECORD_SCHEMA });
    await source.start(col.ctx);
    await vi.waitFor(() => expect(col.bad).toHaveLength(1), { timeout: 5_000, interval: 10 });
    await vi.waitFor(() => expect(source.position()).toEqual({ seq: 3 }), { timeout: 2_000, interval: 10 });
    expect(col.rows()).toBe(2);
    await source.stop(false);
  });
});
