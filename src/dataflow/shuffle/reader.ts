// Reads one subtask's inputs. Every (edge, upstream subtask) pair is a channel with its own
// durable pull consumer on the run's data stream, so a channel can be paused on its own: that is
// how checkpoint barriers are aligned (a channel that delivered barrier n waits until every
// channel has) without starving the others. Within a channel, batches are handed on strictly in
// sequence order (a publisher retry can reorder or repeat messages) and acked once processed.

import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { RecordBatch } from 'apache-arrow';
import { decodeBatch } from '../arrow/index.js';
import type { PhysicalEdge } from '../../types.js';
import { HEADERS, type Subjects } from '../../wire.js';
import { BarrierAligner, type BarrierHandler } from './aligner.js';
import { SenderOrder } from './order.js';
import { WatermarkTracker } from './watermarks.js';
import { dropLocalChannel, type LocalChannel, localChannelKey } from './local.js';

export interface ReaderInput {
  edge: PhysicalEdge;
  /** Number of upstream subtasks that send on this edge. */
  senders: number;
  /** Per sender: the in-process channel when it runs in this process (local.ts), else null. */
  local?: (LocalChannel | null)[];
}

export interface ShuffleReaderOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  subjects: Subjects;
  stream: string;
  jobId: string;
  runId: number;
  taskId: string;
  index: number;
  inputs: ReaderInput[];
}

/**
 * `input`: which input of the task's first operator the batch belongs to (PhysicalEdge.input_index);
 * `origin`: when a source handed over its oldest row (ms since the epoch), when the sender knew.
 */
export type BatchHandler = (batch: RecordBatch, bytes: number, input: number, origin: number | undefined) => Promise<void>;
/** The subtask's combined event time advanced. */
export type WatermarkHandler = (watermarkMs: number) => Promise<void>;

interface Channel {
  edge: PhysicalEdge;
  from: number;
  consumer: string;
  local: LocalChannel | null;
}

export class ShuffleReader {
  private readonly channels: Channel[];
  private readonly iters: ConsumerMessages[] = [];
  private stopped = false;
  private aligner: BarrierAligner | null = null;
  private watermarks: WatermarkTracker | null = null;
  private onWatermark: WatermarkHandler | null = null;

  constructor(private readonly o: ShuffleReaderOptions) {
    this.channels = o.inputs.flatMap(({ edge, senders, local }) =>
      Array.from({ length: senders }, (_, from) => ({ edge, from, consumer: `${o.taskId}-${o.index}-${edge.edge_id}-${from}`, local: local?.[from] ?? null })),
    );
  }

  /** Creates the consumers; after this nothing sent to this subtask can be missed. */
  async start(): Promise<void> {
    for (const ch of this.channels) {
      if (ch.local) continue;
      await this.o.jsm.consumers.add(this.o.stream, {
        durable_name: ch.consumer,
        filter_subject: this.o.subjects.data.channel(this.o.jobId, this.o.runId, ch.edge.edge_id, this.o.index, ch.from),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        // Generous: a publisher retry can put a batch behind later ones in the stream; the channel
        // holds the later ones (unacked) until it arrives, and must not stop delivery meanwhile.
        max_ack_pending: 1024,
        ack_wait: 60_000_000_000,
      });
    }
  }

  /**
   * Delivers batches (and aligned barriers) until every channel sent end-of-stream, or stop().
   * Handlers never run concurrently.
   */
  async run(onBatch: BatchHandler, onBarrier: BarrierHandler, onWatermark: WatermarkHandler): Promise<void> {
    this.aligner = new BarrierAligner(this.channels.length, onBarrier);
    this.watermarks = new WatermarkTracker(this.channels.length);
    this.onWatermark = onWatermark;
    await Promise.all(this.channels.map((ch, i) => this.runChannel(ch, i, onBatch)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.aligner?.abort();
    for (const ch of this.channels) if (ch.local) this.dropLocal(ch);
    await Promise.all(this.iters.map((it) => it.close().catch(() => undefined)));
  }

  private async runChannel(ch: Channel, id: number, onBatch: BatchHandler): Promise<void> {
    if (ch.local) return this.runLocal(ch, ch.local, id, onBatch);
    const aligner = this.aligner!;
    const consumer = await this.o.js.consumers.get(this.o.stream, ch.consumer);
    const iter = await consumer.consume({ max_messages: 32 });
    this.iters.push(iter);
    const order = new SenderOrder<JsMsg>(1);
    let ended = false;
    try {
      for await (const msg of iter) {
        if (this.stopped) break;
        const ready = order.accept(0, Number(msg.headers?.get(HEADERS.seq)), msg);
        if (ready === null) {
          msg.ack(); // a repeat of something already handled
          continue;
        }
        for (const m of ready) {
          const kind = m.headers?.get(HEADERS.kind);
          if (kind === 'batch') {
            const origin = m.headers?.get(HEADERS.origin);
            await aligner.serial(() => onBatch(decodeBatch(m.data), m.data.byteLength, ch.edge.input_index, origin ? Number(origin) : undefined));
            m.ack();
          } else if (kind === 'watermark') {
            const raw = m.headers!.get(HEADERS.watermark);
            await this.advance(this.watermarks!.update(id, raw === 'idle' ? 'idle' : Number(raw)));
            m.ack();
          } else if (kind === 'barrier') {
            m.ack();
            // Pauses this channel until every live channel delivered the same barrier.
            await aligner.arrive(id, Number(m.headers!.get(HEADERS.epoch)), m.headers!.get(HEADERS.ref));
          } else if (kind === 'eos') {
            m.ack();
            ended = true;
          }
        }
        if (ended || this.stopped) break;
      }
    } finally {
      await iter.close().catch(() => undefined);
    }
    if (ended) {
      await aligner.end(id);
      await this.advance(this.watermarks!.end(id));
    }
  }

  /** The same for an in-process channel: messages in order, batches as objects, no acks. */
  private async runLocal(ch: Channel, q: LocalChannel, id: number, onBatch: BatchHandler): Promise<void> {
    const aligner = this.aligner!;
    let ended = false;
    while (!this.stopped) {
      const m = await q.take();
      if (m === null || this.stopped) break;
      if (m.kind === 'batch') await aligner.serial(() => onBatch(m.batch!, m.bytes ?? 0, ch.edge.input_index, m.origin));
      else if (m.kind === 'watermark') await this.advance(this.watermarks!.update(id, m.watermark!));
      else if (m.kind === 'barrier') await aligner.arrive(id, m.epoch!, m.ref!);
      else if (m.kind === 'eos') {
        ended = true;
        break;
      }
    }
    this.dropLocal(ch);
    if (ended) {
      await aligner.end(id);
      await this.advance(this.watermarks!.end(id));
    }
  }

  private dropLocal(ch: Channel): void {
    dropLocalChannel(localChannelKey(this.o.jobId, this.o.runId, ch.edge.edge_id, this.o.index, ch.from));
  }

  private async advance(watermark: number | null): Promise<void> {
    if (watermark === null) return;
    await this.aligner!.serial(() => this.onWatermark!(watermark));
  }
}
