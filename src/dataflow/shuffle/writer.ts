// Writes one task's output into a shuffle edge: hash-partitions each batch by key (or keeps the
// subtask's own partition on a forward edge), buffers per partition up to a full batch or the
// linger time, and publishes Arrow IPC through the pipelined JetStream publisher.

import { headers as natsHeaders } from '@nats-io/nats-core';
import type { RecordBatch } from 'apache-arrow';
import { concatBatches, encodeBatch, hashKeys, takeRows } from '../arrow/index.js';
import { partitionByKeyGroup } from '../../state/key-groups.js';
import type { JsPublisher } from '../../nats/js-publisher.js';
import type { PhysicalEdge, Schema } from '../../types.js';
import { HEADERS, type DataKind, type Subjects } from '../../wire.js';
import type { LocalChannel } from './local.js';

export interface ShuffleWriterOptions {
  publisher: JsPublisher;
  subjects: Subjects;
  jobId: string;
  runId: number;
  edge: PhysicalEdge;
  targetParallelism: number;
  fromIndex: number;
  schema: Schema;
  batchSize: number;
  lingerMs: number;
  /** Per target partition: the in-process channel when that subtask runs in this process (local.ts), else null. */
  local?: (LocalChannel | null)[];
}

const EMPTY = new Uint8Array(0);

interface PartitionBuffer {
  pieces: RecordBatch[];
  rows: number;
  seq: number;
  /** Oldest source hand-over time of the rows buffered (Infinity: unknown), for latency. */
  origin: number;
}

export class ShuffleWriter {
  private readonly parts: PartitionBuffer[];
  private timer: NodeJS.Timeout | null = null;
  /** Serialises publishes from write() and the linger timer so sequences stay in order. */
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  bytesOut = 0;
  batchesOut = 0;

  constructor(private readonly o: ShuffleWriterOptions) {
    this.parts = Array.from({ length: o.targetParallelism }, () => ({ pieces: [], rows: 0, seq: 0, origin: Infinity }));
  }

  /** `origin`: when a source handed over the rows this batch came from (ms), if known. */
  async write(batch: RecordBatch, origin = Infinity): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.o.edge.kind === 'forward') {
      this.buffer(this.o.fromIndex % this.o.targetParallelism, batch, origin);
    } else {
      // Routed by key group, so each row meets the keyed state its subtask owns.
      const split = partitionByKeyGroup(hashKeys(batch, this.o.edge.keys), this.o.targetParallelism);
      for (let p = 0; p < split.length; p++) {
        const idx = split[p]!;
        if (idx.length === batch.numRows) this.buffer(p, batch, origin);
        else if (idx.length > 0) this.buffer(p, takeRows(batch, idx), origin);
      }
    }
    const full: number[] = [];
    for (let p = 0; p < this.parts.length; p++) if (this.parts[p]!.rows >= this.o.batchSize) full.push(p);
    if (full.length > 0) await this.enqueue(() => this.publishParts(full));
    else this.armLinger();
  }

  /** Publishes every partly filled buffer. */
  async flush(): Promise<void> {
    await this.enqueue(() => this.publishParts(this.parts.map((_, p) => p)));
  }

  /** Checkpoint barrier: everything buffered goes out first, then the barrier to every partition. */
  async barrier(epoch: number, ref: string): Promise<void> {
    await this.flush();
    await this.enqueue(async () => {
      for (let p = 0; p < this.parts.length; p++) await this.send(p, 'barrier', EMPTY, { epoch, ref });
    });
  }

  /**
   * Event time of this sender reached `watermark` (or it went idle): everything buffered goes out
   * first, so the watermark follows the rows it covers.
   */
  async watermark(watermark: number | 'idle'): Promise<void> {
    await this.flush();
    await this.enqueue(async () => {
      for (let p = 0; p < this.parts.length; p++) await this.send(p, 'watermark', EMPTY, undefined, watermark);
    });
  }

  /** Flushes, sends end-of-stream to every partition and waits until JetStream stored it all. */
  async finish(): Promise<void> {
    await this.flush();
    await this.enqueue(async () => {
      for (let p = 0; p < this.parts.length; p++) await this.send(p, 'eos', EMPTY);
    });
    await this.o.publisher.flush();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private buffer(p: number, batch: RecordBatch, origin: number): void {
    const part = this.parts[p]!;
    part.pieces.push(batch);
    part.rows += batch.numRows;
    if (origin < part.origin) part.origin = origin;
  }

  private armLinger(): void {
    if (this.timer || !this.parts.some((p) => p.rows > 0)) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch((err) => (this.failure = err));
    }, this.o.lingerMs);
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const next = this.tail.then(fn);
    this.tail = next.catch((err) => {
      this.failure = err;
    });
    return next;
  }

  private async publishParts(parts: number[]): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    for (const p of parts) {
      const part = this.parts[p]!;
      if (part.rows === 0) continue;
      const batch = part.pieces.length === 1 ? part.pieces[0]! : concatBatches(this.o.schema, part.pieces);
      const origin = part.origin;
      part.pieces = [];
      part.rows = 0;
      part.origin = Infinity;
      const local = this.o.local?.[p];
      if (local) {
        const bytes = batch.data.byteLength;
        this.batchesOut++;
        this.bytesOut += bytes;
        await local.put({ kind: 'batch', batch, bytes, ...(origin !== Infinity ? { origin } : {}) });
      } else await this.send(p, 'batch', encodeBatch(batch), undefined, undefined, origin);
    }
    this.armLinger();
  }

  private async send(p: number, kind: DataKind, body: Uint8Array, barrier?: { epoch: number; ref: string }, watermark?: number | 'idle', origin = Infinity): Promise<void> {
    const local = this.o.local?.[p];
    if (local) return local.put({ kind, ...(barrier ?? {}), ...(watermark !== undefined ? { watermark } : {}) });
    const part = this.parts[p]!;
    const seq = ++part.seq;
    const { edge, fromIndex, jobId, runId } = this.o;
    const h = natsHeaders();
    h.set(HEADERS.kind, kind);
    h.set(HEADERS.from, String(fromIndex));
    h.set(HEADERS.seq, String(seq));
    h.set(HEADERS.msgId, `${edge.edge_id}.${fromIndex}.${p}.${seq}`);
    if (barrier) {
      h.set(HEADERS.epoch, String(barrier.epoch));
      h.set(HEADERS.ref, barrier.ref);
    }
    if (watermark !== undefined) h.set(HEADERS.watermark, String(watermark));
    if (origin !== Infinity) h.set(HEADERS.origin, String(origin));
    this.bytesOut += body.byteLength;
    if (kind === 'batch') this.batchesOut++;
    await this.o.publisher.publish(this.o.subjects.data.channel(jobId, runId, edge.edge_id, p, fromIndex), body, h);
  }
}
