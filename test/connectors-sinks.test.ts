// Sinks against the real test nats-server: the shared conformance suite for each, then what is
// particular to each. NATS-backed sinks are stalled through a TCP proxy that holds back the
// server's replies (PONGs, JetStream acks): the server stays real, only the wire gets slow.

import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSink } from '../src/connectors/registry.js';
import { BlackholeSink } from '../src/connectors/sinks/blackhole.js';
import { JetStreamSink } from '../src/connectors/sinks/jetstream.js';
import { NatsSink } from '../src/connectors/sinks/nats.js';
import { StdoutSink } from '../src/connectors/sinks/stdout.js';
import type { SinkContext } from '../src/connectors/types.js';
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
  visibleOnFlush: false,
  async setup({ nc, ctx }) {
    const got = await listen(nc, subjects(ctx.prefix).output(ctx.jobId));
    return proxied(ctx, async () => ({ sink: createSink({ type: 'preview', config: {} }), received: async () => got }));
  },
});

sinkConformance({
  name: 'jetstream',
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
        await deleteStreamIfExists(await jetstreamManager(nc), stream);
      },
    }));
  },
});

sinkConformance({
  name: 'stdout',
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

describe('jetstream sink', () => {
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

  it('stores every record once, with ids job-run-task-subtask-n, acknowledged when flush() resolves', async () => {
    const { stream, subject } = newStream();
    const ctx = { ...sinkContext(nc), subtaskIndex: 2, parallelism: 3 };
    const sink = new JetStreamSink({ stream, subject });
    await sink.open(ctx);
    for (let i = 0; i < 5; i++) await sink.write(sinkBatch(i * 300, 300));
    await sink.flush();
    // Nothing is read asynchronously here: after flush the stream already holds all of it.
    expect((await jsm.streams.info(stream)).state.messages).toBe(1500);
    const { records, ids } = await readStream(nc, stream);
    expect(records.map((r) => Number(r.id))).toEqual(Array.from({ length: 1500 }, (_, i) => i));
    expect(ids).toEqual(Array.from({ length: 1500 }, (_, i) => `${ctx.jobId}-1-task-1-2-${i + 1}`));
    await sink.close();
  });

  it('the same records published again by the same subtask of the same run are deduplicated', async () => {
    const { stream, subject } = newStream();
    const ctx = sinkContext(nc);
    for (let attempt = 0; attempt < 2; attempt++) {
      const sink = new JetStreamSink({ stream, subject });
      await sink.open(ctx);
      await sink.write(sinkBatch(0, 50));
      await sink.close();
    }
    expect((await jsm.streams.info(stream)).state.messages).toBe(50);
  });

  it('creates a missing stream (file, limits) and leaves an existing one alone', async () => {
    const { stream, subject } = newStream();
    const sink = new JetStreamSink({ stream, subject });
    await sink.open(sinkContext(nc));
    const info = await jsm.streams.info(stream);
    expect(info.config.subjects).toEqual([subject]);
    expect(info.config.storage).toBe('file');
    expect(info.config.retention).toBe('limits');
    await sink.close();

    const other = newStream();
    await ensureStream(jsm, { name: other.stream, subjects: [`${other.stream}.>`], max_msgs: 1000 });
    const sink2 = new JetStreamSink({ stream: other.stream, subject: `${other.stream}.x` });
    await sink2.open(sinkContext(nc));
    await sink2.write(sinkBatch(0, 10));
    await sink2.close();
    const after = await jsm.streams.info(other.stream);
    expect(after.config.subjects).toEqual([`${other.stream}.>`]);
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
