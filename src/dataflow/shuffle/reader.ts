// Reads one subtask's partition of every input edge. Each edge has a durable pull consumer on the
// run's data stream; batches are handed on strictly in each sender's sequence order (a publisher
// retry can reorder or duplicate messages in the stream) and acknowledged only once processed.

import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { RecordBatch } from 'apache-arrow';
import { decodeBatch } from '../arrow/index.js';
import type { PhysicalEdge } from '../../types.js';
import { HEADERS, type Subjects } from '../../wire.js';
import { SenderOrder } from './order.js';

export interface ReaderInput {
  edge: PhysicalEdge;
  /** Number of upstream subtasks that send on this edge. */
  senders: number;
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

export type BatchHandler = (batch: RecordBatch, bytes: number) => Promise<void>;

export class ShuffleReader {
  private readonly iters: ConsumerMessages[] = [];
  /** One lock for all edges: the task's chain processes one batch at a time. */
  private lock: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly o: ShuffleReaderOptions) {}

  private consumerName(edge: PhysicalEdge): string {
    return `${this.o.taskId}-${this.o.index}-${edge.edge_id}`;
  }

  /** Creates the consumers; after this nothing sent to the partition can be missed. */
  async start(): Promise<void> {
    for (const { edge } of this.o.inputs) {
      await this.o.jsm.consumers.add(this.o.stream, {
        durable_name: this.consumerName(edge),
        filter_subject: this.o.subjects.data.partition(this.o.jobId, this.o.runId, edge.edge_id, this.o.index),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        max_ack_pending: 256,
        ack_wait: 60_000_000_000,
      });
    }
  }

  /** Delivers batches until every sender on every edge sent end-of-stream (or stop()). */
  async run(onBatch: BatchHandler): Promise<void> {
    await Promise.all(this.o.inputs.map((input) => this.runEdge(input, onBatch)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.iters.map((it) => it.close().catch(() => undefined)));
  }

  private async runEdge(input: ReaderInput, onBatch: BatchHandler): Promise<void> {
    const consumer = await this.o.js.consumers.get(this.o.stream, this.consumerName(input.edge));
    const iter = await consumer.consume({ max_messages: 64 });
    this.iters.push(iter);
    const order = new SenderOrder<JsMsg>(input.senders);
    for await (const msg of iter) {
      if (this.stopped) break;
      const from = Number(msg.headers?.get(HEADERS.from));
      const seq = Number(msg.headers?.get(HEADERS.seq));
      const ready = order.accept(from, seq, msg);
      if (ready === null) {
        msg.ack(); // a duplicate of something already handled
        continue;
      }
      for (const m of ready) {
        if (m.headers?.get(HEADERS.kind) === 'eos') order.end(Number(m.headers.get(HEADERS.from)));
        else await this.deliver(m, onBatch);
        m.ack();
      }
      if (order.allEnded()) break;
    }
    await iter.close().catch(() => undefined);
  }

  private deliver(m: JsMsg, onBatch: BatchHandler): Promise<void> {
    const run = this.lock.then(() => onBatch(decodeBatch(m.data), m.data.byteLength));
    this.lock = run.catch(() => undefined);
    return run;
  }
}
