// Sinks against the real test nats-server: the shared conformance suite for each, then what is
// particular to each. NATS-backed sinks are stalled through a TCP proxy that holds back the
// server's replies (PONGs, JetStream acks): the server stays real, only the wire gets slow.

import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { Packr } from 'msgpackr';
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSink } from '../src/connectors/registry.js';
import { BlackholeSink } from '../src/connectors/sinks/blackhole.js';
import { JetStreamSink, SINK_DUPLICATE_WINDOW_MS } from '../src/connectors/sinks/jetstream.js';
import { NatsSink } from '../src/connectors/sinks/nats.js';
import { StdoutSink } from '../src/connectors/sinks/stdout.js';
import type { SinkContext } from '../src/connectors/types.js';
import { batchToJsonRows } from '../src/dataflow/arrow/index.js';
import { ValidationError } from '../src/errors.js';
import { connectNats } from '../src/nats/connect.js';
import { deleteStreamIfExists, ensureStream } from '../src/nats/streams.js';
import type { SinkSpec } from '../src/types.js';
import { subjects } from '../src/wire.js';
import { sinkBatch, sinkConformance, sinkContext, type SinkCase } from './conformance/sinks.js';
import { connectTest, getTestNatsUrl, uniqueName } from './helpers/nats.js';

/** A TCP proxy to the test server whose server-to-client direction can be paused. */
class StallProxy {
  private paused = false;
  private held: (() => void)[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly server: net.Server) {}

  static async start(): Promise<StallProxy> {
    const target = new URL(withScheme(getTestNatsUrl()).split(',')[0]!);
    const server = net.createServer();
    const proxy = new StallProxy(server);
    server.on('connection', (client) => {
      const upstream = net.connect(Number(target.port || 4222), target.hostname);
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.on('data', (d) => upstream.write(d));
      upstream.on('data', (d) => {
        if (proxy.paused) proxy.held.push(() => client.write(d));
        else client.write(d);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** A connection that goes through the proxy. */
  connect(): Promise<NatsConnection> {
    const url = new URL(withScheme(getTestNatsUrl()).split(',')[0]!);
    url.host = `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
    return connectNats(url.toString(), 'rivulet-stall-test');
  }

  stall(): { release(): void } {
    this.paused = true;
    return {
      release: () => {
        this.paused = false;
        for (const send of this.held.splice(0)) send();
      },
    };
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function withScheme(url: string): string {
  return url.includes('://') ? url : `nats://${url}`;
}

const dec = new TextDecoder();
/** How src/checkpoint/store.ts stores subtask snapshots. */
const checkpointPackr = new Packr({ useRecords: false, moreTypes: true });

/** Collects the JSON records published on a subject. */
async function listen(nc: NatsConnection, subject: string): Promise<Record<string, unknown>[]> {
  const got: Record<string, unknown>[] = [];
  nc.subscribe(subject, {
    callback: (_err, msg) => {
      got.push(msg.json<Record<string, unknown>>());
    },
  });
  await nc.flush();
  return got;
}

/** A case whose sink talks to the server through a stall proxy. */
async function proxied(
  ctx: SinkContext,
  build: (ctx: SinkContext) => Promise<Omit<SinkCase, 'stall' | 'ctx'>>,
): Promise<SinkCase> {
  const proxy = await StallProxy.start();
  const pnc = await proxy.connect();
  const c = await build({ ...ctx, nc: pnc });
  return {
    ...c,
    ctx: { ...ctx, nc: pnc },
    stall: () => proxy.stall(),
    async cleanup() {
      await c.cleanup?.();
      await pnc.close().catch(() => undefined);
      await proxy.close();
    },
  };
}

/** Everything stored in a stream, parsed, with the message ids. */
async function readStream(nc: NatsConnection, stream: string): Promise<{ records: Record<string, unknown>[]; ids: string[] }> {
  const jsm = await jetstreamManager(nc);
  const total = (await jsm.streams.info(stream)).state.messages;
  const records: Record<string, unknown>[] = [];
  const ids: string[] = [];
  if (total === 0) return { records, ids };
  const consumer = await jetstream(nc).consumers.get(stream);
  const messages = await consumer.fetch({ max_messages: total, expires: 5_000 });
  for await (const m of messages) {
    records.push(JSON.parse(dec.decode(m.data)) as Record<string, unknown>);
    ids.push(m.headers?.get('Nats-Msg-Id') ?? '');
    if (records.length === total) break;
  }
  await consumer.delete().catch(() => undefined);
  return { records, ids };
}

/** A Writable that keeps what it is given and can hold its write callbacks back. */
class CaptureStream extends Writable {
  chunks: string[] = [];
  private paused = false;
  private held: (() => void)[] = [];

  constructor() {
    super({ highWaterMark: 1024, decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text !== '') this.chunks.push(text);
    if (this.paused) this.held.push(() => done());
    else done();
  }

  lines(): string[] {
    return this.chunks.join('').split('\n').filter((l) => l !== '');
  }

  stall(): { release(): void } {
    this.paused = true;
    return {
      release: () => {
        this.paused = false;
        for (const f of this.held.splice(0)) f();
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------

sinkConformance({
  name: 'nats',
  transactional: false,
  visibleOnFlush: false,
  async setup({ nc, ctx }) {
    const subject = uniqueName('sink.nats');
    const got = await listen(nc, subject);
    return proxied(ctx, async () => ({
      sink: createSink({ type: 'nats', config: { subject, format: 'json' } }),
      received: async () => got,
    }));
  },
});

sinkConformance({
  name: 'preview',
  transactional: false,
  visibleOnFlush: false,
  async setup({ nc, ctx }) {
    const got = await listen(nc, subjects(ctx.prefix).output(ctx.jobId));
    return proxied(ctx, async () => ({ sink: createSink({ type: 'preview', config: {} }), received: async () => got }));
  },
});

sinkConformance({
  name: 'jetstream',
  transactional: true,
  visibleOnFlush: true,
  async setup({ nc, ctx }) {
    const stream = uniqueName('SINK');
    const subject = `${stream}.out`;
    return proxied(ctx, async () => ({
      sink: createSink({ type: 'jetstream', config: { stream, subject, format: 'json' } }),
      received: async () => {
        const jsm = await jetstreamManager(nc);
        const exists = await jsm.streams.info(stream).then(
          () => true,
          () => false,
        );
        return exists ? (await readStream(nc, stream)).records : [];
      },
      cleanup: async () => {
        const jsm = await jetstreamManager(nc);
        await deleteStreamIfExists(jsm, stream);
        await deleteStreamIfExists(jsm, `KV_${subjects(ctx.prefix).buckets.sinkCommits}`);
      },
    }));
  },
});

sinkConformance({
  name: 'stdout',
  transactional: false,
  visibleOnFlush: true,
  async setup() {
    const out = new CaptureStream();
    return {
      sink: createSink({ type: 'stdout', config: {} }, { stdout: out }),
      received: async () => out.lines().map((l) => JSON.parse(l) as Record<string, unknown>),
      stall: () => out.stall(),
    };
  },
});

sinkConformance({
  name: 'blackhole',
  transactional: false,
  visibleOnFlush: true,
  async setup() {
    const sink = new BlackholeSink();
    return { sink, received: async () => sink.records };
  },
});

// ---------------------------------------------------------------------------------------------

describe('registry (sinks)', () => {
  it('builds each sink type', () => {
    const specs: SinkSpec[] = [
      { type: 'nats', config: { subject: 'a', format: 'json' } },
      { type: 'jetstream', config: { stream: 'S', subject: 'a', format: 'json' } },
      { type: 'preview', config: {} },
      { type: 'stdout', config: {} },
      { type: 'blackhole', config: {} },
    ];
    expect(specs.map((s) => createSink(s).constructor)).toEqual([NatsSink, JetStreamSink, NatsSink, StdoutSink, BlackholeSink]);
  });

  it('refuses an unknown sink type', () => {
    expect(() => createSink({ type: 'kafka', config: {} } as unknown as SinkSpec)).toThrow(ValidationError);
  });
});

describe('jetstream sink (exactly once)', () => {
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

  function newStream(): { stream: string; subject: string } {
    const stream = uniqueName('JSINK');
    streams.push(stream);
    return { stream, subject: `${stream}.out` };
  }

  /** A context of its own (prefix, so markers bucket) whose bucket is removed after the file. */
  function context(over: Partial<SinkContext> = {}): SinkContext {
    const ctx = { ...sinkContext(nc), ...over };
    streams.push(`KV_${subjects(ctx.prefix).buckets.sinkCommits}`);
    return ctx;
  }

  async function openSink(config: { stream: string; subject: string }, ctx: SinkContext, options = {}): Promise<JetStreamSink> {
    const sink = new JetStreamSink(config, options);
    await sink.open(ctx);
    return sink;
  }

  async function markers(ctx: SinkContext): Promise<KV> {
    return new Kvm(nc).open(subjects(ctx.prefix).buckets.sinkCommits);
  }

  const messages = async (stream: string) => (await jsm.streams.info(stream)).state.messages;
  const idsOf = (prefix: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => `${prefix}${from + i}`);

  it('nothing is visible before commit; commit publishes exactly the epoch, with ids job.task.subtask.epoch.n, and marks it', async () => {
    const { stream, subject } = newStream();
    const ctx = context({ subtaskIndex: 2, parallelism: 3 });
    const sink = await openSink({ stream, subject }, ctx);
    for (let i = 0; i < 3; i++) await sink.write(sinkBatch(i * 300, 300));
    await sink.flush();
    expect(await messages(stream)).toBe(0);
    const pending = (await sink.preCommit(1))!;
    expect(pending).toMatchObject({ job: ctx.jobId, task: 'task-1', subtask: 2, epochs: [{ epoch: 1, records: 900 }] });
    await sink.write(sinkBatch(900, 100)); // epoch 2, still open
    expect(await messages(stream)).toBe(0);

    await sink.commit(1);
    // Acknowledged before commit() resolves: no waiting needed.
    expect(await messages(stream)).toBe(900);
    const { records, ids } = await readStream(nc, stream);
    expect(records.map((r) => Number(r.id))).toEqual(Array.from({ length: 900 }, (_, i) => i));
    expect(ids).toEqual(idsOf(`${ctx.jobId}.task-1.2.1.`, 900));
    const marker = await (await markers(ctx)).get(`${ctx.jobId}.task-1.2.1`);
    expect(marker?.json<{ records: number }>().records).toBe(900);

    await sink.commit(1); // again: nothing more
    await sink.flush();
    expect(await messages(stream)).toBe(900);
    await sink.close();
    expect(await messages(stream)).toBe(900); // the open epoch 2 is not published by close()
  });

  it('write() waits while two closed epochs wait for their commit, and goes on once one is published', async () => {
    const { stream, subject } = newStream();
    const sink = await openSink({ stream, subject }, context());
    await sink.write(sinkBatch(0, 10));
    await sink.preCommit(1);
    await sink.write(sinkBatch(10, 10));
    await sink.preCommit(2);
    let written = false;
    const blocked = sink.write(sinkBatch(20, 10)).then(() => (written = true));
    await new Promise((r) => setTimeout(r, 250));
    expect(written).toBe(false);
    expect(sink.backpressureWaits).toBeGreaterThan(0);
    await sink.commit(1);
    await blocked;
    expect(written).toBe(true);
    expect(await messages(stream)).toBe(10);
    await sink.close();
  });

  it('two epochs pending, then commit(later) publishes both in order; preCommit keeps both in the checkpoint', async () => {
    const { stream, subject } = newStream();
    const ctx = context();
    const sink = await openSink({ stream, subject }, ctx);
    await sink.write(sinkBatch(0, 100));
    const first = (await sink.preCommit(4))!;
    expect(first.epochs.map((e) => e.epoch)).toEqual([4]);
    await sink.write(sinkBatch(100, 60));
    await sink.write(sinkBatch(160, 40));
    // Checkpoint 4 has not committed yet: checkpoint 5 must still hold its output.
    const second = (await sink.preCommit(5))!;
    expect(second.epochs.map((e) => [e.epoch, e.records])).toEqual([
      [4, 100],
      [5, 100],
    ]);
    expect(await sink.preCommit(6)).toMatchObject({ epochs: [{ epoch: 4 }, { epoch: 5 }] }); // an empty epoch adds nothing
    await sink.commit(5);
    const { records, ids } = await readStream(nc, stream);
    expect(records.map((r) => Number(r.id))).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(ids).toEqual([...idsOf(`${ctx.jobId}.task-1.0.4.`, 100), ...idsOf(`${ctx.jobId}.task-1.0.5.`, 100)]);
    await sink.commit(4); // older than what is committed: nothing to do
    expect(await sink.preCommit(7)).toBeNull(); // nothing uncommitted is left
    expect(await messages(stream)).toBe(200);
    await expect(sink.preCommit(7)).rejects.toThrow(/epochs must increase/);
    await sink.close();
  });

  it('recover after a completed commit publishes nothing (marker), also on another subtask after msgpack', async () => {
    const { stream, subject } = newStream();
    const ctx = context({ subtaskIndex: 1, parallelism: 2 });
    const sink = await openSink({ stream, subject }, ctx);
    await sink.write(sinkBatch(0, 250));
    // As a checkpoint stores it (src/checkpoint/store.ts packs with these options).
    const stored = checkpointPackr.unpack(checkpointPackr.pack(await sink.preCommit(1)));
    await sink.commit(1);
    await sink.close();
    expect(await messages(stream)).toBe(250);

    // The restored run has parallelism 1: subtask 0 recovers old subtask 1's output.
    const next = await openSink({ stream, subject }, { ...ctx, runId: 2, subtaskIndex: 0, parallelism: 1 });
    await next.recover([stored, null]);
    await next.flush();
    expect(next.records).toBe(0);
    expect(await messages(stream)).toBe(250);
    await next.close();
  });

  it('recover without the marker, within the duplicate window: republishes with the same ids, JetStream keeps one copy', async () => {
    const { stream, subject } = newStream();
    const ctx = context();
    const sink = await openSink({ stream, subject }, ctx);
    await sink.write(sinkBatch(0, 300));
    const stored = checkpointPackr.unpack(checkpointPackr.pack(await sink.preCommit(3)));
    await sink.commit(3);
    await sink.close();
    // As if the run crashed between publishing and writing the marker.
    const kv = await markers(ctx);
    await kv.purge(`${ctx.jobId}.task-1.0.3`);

    const next = await openSink({ stream, subject }, { ...ctx, runId: 2 });
    await next.recover([stored]);
    expect(next.records).toBe(300); // published again...
    expect(await messages(stream)).toBe(300); // ...and dropped as duplicates
    const { ids } = await readStream(nc, stream);
    expect(ids).toEqual(idsOf(`${ctx.jobId}.task-1.0.3.`, 300));
    expect((await kv.get(`${ctx.jobId}.task-1.0.3`))?.operation).toBe('PUT'); // marked now
    await next.close();
  });

  it('recover of output never committed publishes it exactly once, oldest epoch first, from several old subtasks', async () => {
    const { stream, subject } = newStream();
    const ctx = context({ parallelism: 2 });
    const olds = [0, 1].map((i) => openSink({ stream, subject }, { ...ctx, subtaskIndex: i }));
    const [a, b] = await Promise.all(olds);
    await a!.write(sinkBatch(0, 10));
    await a!.preCommit(1);
    await b!.write(sinkBatch(10, 10));
    await b!.preCommit(1);
    await a!.write(sinkBatch(20, 10));
    await b!.write(sinkBatch(30, 10));
    const pa = await a!.preCommit(2);
    const pb = await b!.preCommit(2);
    // The run fails before commit(2) reaches anyone (and commit(1) never came either).
    await Promise.all([a!.close(), b!.close()]);
    expect(await messages(stream)).toBe(0);

    const next = await openSink({ stream, subject }, { ...ctx, runId: 2, parallelism: 1 });
    await next.recover([pb, pa].map((p) => checkpointPackr.unpack(checkpointPackr.pack(p))));
    const { records, ids } = await readStream(nc, stream);
    expect(records.map((r) => Number(r.id))).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(ids.map((id) => id.slice(ctx.jobId.length + 1))).toEqual([
      ...idsOf('task-1.0.1.', 10),
      ...idsOf('task-1.1.1.', 10),
      ...idsOf('task-1.0.2.', 10),
      ...idsOf('task-1.1.2.', 10),
    ]);
    await next.recover([pa, pb]); // recovering again changes nothing
    expect(await messages(stream)).toBe(40);
    await next.close();
  });

  it('a bounded job ends with preCommit(final) + commit(final): everything becomes visible; flush alone publishes nothing', async () => {
    const { stream, subject } = newStream();
    const ctx = context();
    const sink = await openSink({ stream, subject }, ctx);
    await sink.write(sinkBatch(0, 100));
    await sink.preCommit(1);
    await sink.commit(1);
    await sink.write(sinkBatch(100, 150)); // after the last checkpoint
    await sink.flush();
    expect(await messages(stream)).toBe(100);
    // What the runner does at end of input.
    await sink.preCommit(2);
    await sink.commit(2);
    await sink.flush();
    await sink.close();
    const { records } = await readStream(nc, stream);
    expect(records.map((r) => Number(r.id))).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('fails with a clear error when uncommitted output outgrows maxPendingBytes; commits free it', async () => {
    const { stream, subject } = newStream();
    const size = Buffer.byteLength(batchToJsonRows(sinkBatch(0, 200)).join('\n'));
    const sink = await openSink({ stream, subject }, context(), { maxPendingBytes: Math.floor(size * 1.5) });
    await sink.write(sinkBatch(0, 200));
    await sink.preCommit(1);
    await sink.commit(1); // frees what epoch 1 held
    await sink.write(sinkBatch(0, 200));
    await expect(sink.write(sinkBatch(0, 200))).rejects.toThrow(/uncommitted output.*checkpoint_interval_ms/);
    await sink.close();
  });

  it('refuses restored pending output that is not its own format', async () => {
    const { stream, subject } = newStream();
    const sink = await openSink({ stream, subject }, context());
    await expect(sink.recover([{ job: 'j', task: 't', subtask: 0, epochs: [{ epoch: 1, records: 2, chunks: ['x'] }] }])).rejects.toThrow(
      /invalid pending sink output/,
    );
    await expect(
      sink.recover([{ job: 'j', task: 't', subtask: 0, epochs: [{ epoch: 1, records: 3, chunks: [new TextEncoder().encode('{}\n{}')] }] }]),
    ).rejects.toThrow(/holds 2 records, expected 3/);
    expect(await messages(stream)).toBe(0);
    await sink.close();
  });

  it('creates a missing stream with a 10-minute duplicate window and leaves an existing one alone', async () => {
    const { stream, subject } = newStream();
    const sink = await openSink({ stream, subject }, context());
    const info = await jsm.streams.info(stream);
    expect(info.config.subjects).toEqual([subject]);
    expect(info.config.storage).toBe('file');
    expect(info.config.retention).toBe('limits');
    expect(info.config.duplicate_window).toBe(nanos(SINK_DUPLICATE_WINDOW_MS));
    await sink.close();

    const other = newStream();
    await ensureStream(jsm, { name: other.stream, subjects: [`${other.stream}.>`], max_msgs: 1000 });
    const sink2 = await openSink({ stream: other.stream, subject: `${other.stream}.x` }, context());
    await sink2.write(sinkBatch(0, 10));
    await sink2.preCommit(1);
    await sink2.commit(1);
    await sink2.close();
    const after = await jsm.streams.info(other.stream);
    expect(after.config.subjects).toEqual([`${other.stream}.>`]);
    expect(after.config.duplicate_window).toBe(nanos(2 * 60_000)); // the server's default, untouched
    expect(after.state.messages).toBe(10);
  });
});

describe('nats and preview sinks', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connectTest();
  });
  afterAll(async () => {
    await nc.close();
  });

  it('nats: one message per record, in order', async () => {
    const subject = uniqueName('sink.order');
    const got = await listen(nc, subject);
    const sink = createSink({ type: 'nats', config: { subject, format: 'json' } });
    await sink.open(sinkContext(nc));
    for (let i = 0; i < 4; i++) await sink.write(sinkBatch(i * 250, 250));
    await sink.flush();
    await vi.waitFor(() => expect(got).toHaveLength(1000), { timeout: 5_000, interval: 10 });
    expect(got.map((r) => r.id)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    await sink.close();
  });

  it('preview publishes on <prefix>.output.<jobId>', async () => {
    const ctx = sinkContext(nc);
    const got = await listen(nc, `${ctx.prefix}.output.${ctx.jobId}`);
    const sink = createSink({ type: 'preview', config: {} });
    await sink.open(ctx);
    await sink.write(sinkBatch(0, 3));
    await sink.close();
    await vi.waitFor(() => expect(got.map((r) => r.id)).toEqual([0, 1, 2]), { timeout: 5_000, interval: 10 });
  });
});

describe('stdout sink', () => {
  it('writes one JSON object per line, one write per batch', async () => {
    const out = new CaptureStream();
    const sink = new StdoutSink({ out });
    await sink.open(sinkContext(null as never)); // stdout needs no connection
    await sink.write(sinkBatch(0, 3));
    await sink.write(sinkBatch(3, 2));
    await sink.close();
    expect(out.chunks).toHaveLength(2);
    expect(out.chunks.every((c) => c.endsWith('}\n'))).toBe(true);
    const rows = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r.id)).toEqual([0, 1, 2, 3, 4]);
    expect(rows[1]).toMatchObject({ id: 1, name: 'name-1 "quoted" ü', n: 1, ok: false });
    expect(out.writableEnded).toBe(false); // the sink never ends the stream it was given
  });

  it('fails a write when the stream closes instead of draining', async () => {
    const out = new CaptureStream();
    const stalled = out.stall();
    const sink = new StdoutSink({ out });
    const writing = sink.write(sinkBatch(0, 200));
    out.destroy();
    await expect(writing).rejects.toThrow(/closed before it drained/);
    stalled.release();
  });
});
