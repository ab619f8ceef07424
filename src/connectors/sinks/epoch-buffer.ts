// Output of a transactional sink between checkpoints: the records written since the last barrier
// (the open epoch), and epochs closed by a barrier but not committed yet. Records are kept as JSON,
// one newline-separated chunk per written batch (JSON text never holds a raw newline), so the
// checkpoint stores them compactly and a commit publishes slices of the chunks without copying.
//
// All of it is held in memory, and every checkpoint stores what is not committed yet: output
// between two checkpoints must fit (see JetStreamSinkOptions.maxPendingBytes).

import { Buffer } from 'node:buffer';
import type { RecordBatch } from 'apache-arrow';
import { batchToJsonRows } from '../../dataflow/arrow/index.js';
import { InternalError, JobRuntimeError } from '../../errors.js';
import type { OutputOrigin } from './commit-markers.js';

export interface PendingEpoch {
  epoch: number;
  records: number;
  /** Newline-separated JSON records; record n of the epoch is the n-th line over all chunks. */
  chunks: Uint8Array[];
}

/** What preCommit returns and recover takes: one subtask's output not known to be committed. */
export interface PendingOutput extends OutputOrigin {
  epochs: PendingEpoch[];
}

const NEWLINE = 0x0a;

export class EpochBuffer {
  private open: PendingEpoch = { epoch: -1, records: 0, chunks: [] };
  /** Closed, uncommitted epochs in epoch order. */
  private readonly closed: PendingEpoch[] = [];
  private lastClosed = -Infinity;
  private bytes = 0;

  constructor(
    private readonly origin: OutputOrigin,
    private readonly maxBytes: number,
  ) {}

  /** Closed epochs not committed yet. */
  get closedEpochs(): number {
    return this.closed.length;
  }

  /** Bytes of JSON held (open and closed epochs). */
  get heldBytes(): number {
    return this.bytes;
  }

  add(batch: RecordBatch): void {
    if (batch.numRows === 0) return;
    const chunk = Buffer.from(batchToJsonRows(batch).join('\n'), 'utf8');
    if (this.bytes + chunk.byteLength > this.maxBytes) {
      // Holding more would stall on memory; publishing early would break exactly-once.
      throw new JobRuntimeError(
        `exactly-once sink holds more than ${this.maxBytes} bytes of uncommitted output; ` +
          'checkpoint more often (checkpoint_interval_ms) so commits keep up with the output',
        { domain: 'user', retryable: false },
      );
    }
    this.open.chunks.push(chunk);
    this.open.records += batch.numRows;
    this.bytes += chunk.byteLength;
  }

  /** Closes the open epoch as `epoch`; returns everything uncommitted, or null when nothing is. */
  close(epoch: number): PendingOutput | null {
    if (epoch <= this.lastClosed) {
      throw new InternalError(`sink epochs must increase: preCommit(${epoch}) after preCommit(${this.lastClosed})`);
    }
    this.lastClosed = epoch;
    if (this.open.records > 0) this.closed.push({ ...this.open, epoch });
    this.open = { epoch: -1, records: 0, chunks: [] };
    if (this.closed.length === 0) return null;
    // Closed epochs are never changed, so the checkpoint may share their chunks.
    return { ...this.origin, epochs: [...this.closed] };
  }

  /** The oldest closed epoch at or below `epoch`, if any. */
  nextUpTo(epoch: number): PendingEpoch | undefined {
    const first = this.closed[0];
    return first !== undefined && first.epoch <= epoch ? first : undefined;
  }

  /** Drops `e`, which nextUpTo returned, once it is committed. */
  drop(e: PendingEpoch): void {
    if (this.closed[0] !== e) throw new InternalError('sink commits must drop epochs in order');
    this.closed.shift();
    for (const c of e.chunks) this.bytes -= c.byteLength;
  }
}

/** Records in an epoch's chunks (lines), counted without splitting them. */
export function countRecords(e: PendingEpoch): number {
  let n = 0;
  for (const chunk of e.chunks) {
    if (chunk.length === 0) continue;
    n++;
    for (let at = chunk.indexOf(NEWLINE); at >= 0; at = chunk.indexOf(NEWLINE, at + 1)) n++;
  }
  return n;
}

/** The records of one chunk, as views into it. */
export function recordsOf(chunk: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < chunk.length) {
    let end = chunk.indexOf(NEWLINE, at);
    if (end < 0) end = chunk.length;
    out.push(chunk.subarray(at, end));
    at = end + 1;
  }
  return out;
}

/** Checks a restored preCommit value (msgpack turned it back into plain data); null stays null. */
export function parsePendingOutput(raw: unknown, where: string): PendingOutput | null {
  if (raw === null || raw === undefined) return null;
  const bad = (what: string) => new InternalError(`invalid pending sink output (${where}): ${what}`);
  if (typeof raw !== 'object') throw bad('not an object');
  const o = raw as Record<string, unknown>;
  if (typeof o.job !== 'string' || typeof o.task !== 'string') throw bad('job and task must be strings');
  if (typeof o.subtask !== 'number' || !Number.isInteger(o.subtask) || o.subtask < 0) throw bad('subtask must be an index');
  if (!Array.isArray(o.epochs)) throw bad('epochs must be a list');
  const epochs = o.epochs.map((e: unknown, i): PendingEpoch => {
    const x = e as Record<string, unknown> | null;
    if (typeof x !== 'object' || x === null) throw bad(`epochs[${i}] is not an object`);
    const { epoch, records, chunks } = x;
    if (typeof epoch !== 'number' || !Number.isInteger(epoch)) throw bad(`epochs[${i}].epoch must be an integer`);
    if (typeof records !== 'number' || !Number.isInteger(records) || records < 0) throw bad(`epochs[${i}].records must be a count`);
    if (!Array.isArray(chunks) || !chunks.every((c) => c instanceof Uint8Array)) throw bad(`epochs[${i}].chunks must be byte strings`);
    return { epoch, records, chunks: chunks as Uint8Array[] };
  });
  return { job: o.job, task: o.task, subtask: o.subtask, epochs };
}
