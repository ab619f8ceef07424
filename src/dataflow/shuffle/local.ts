// In-process channels. A channel (edge, sender subtask → receiver subtask) whose two ends the
// scheduler placed on the same worker process needs no JetStream hop: batches go over a bounded
// in-memory queue as RecordBatch objects (no IPC encode/decode), with barriers, watermarks and
// end-of-stream in the same order as on a JetStream channel. Both ends die together, and a
// recovery starts a new run (new channel keys) from the last checkpoint, so nothing is lost that
// JetStream would have kept. Slot sharing puts subtask i of every task on one worker, so forward
// edges are always local and a keyed shuffle at parallelism p keeps 1/p of its rows local.
// RIVULET_LOCAL_CHANNELS=off sends everything through JetStream (for comparisons).

import type { RecordBatch } from 'apache-arrow';
import type { SubtaskAssignment } from '../../types.js';
import type { DataKind } from '../../wire.js';

export interface LocalMessage {
  kind: DataKind;
  batch?: RecordBatch;
  /** A batch's Arrow buffer bytes (what its IPC body would about carry), counted once by the sender. */
  bytes?: number;
  epoch?: number;
  ref?: string;
  watermark?: number | 'idle';
  origin?: number;
}

/** Messages a channel holds before its sender waits: the in-memory bound of a slow receiver. */
const CAPACITY = 16;

export class LocalChannel {
  private readonly items: LocalMessage[] = [];
  private taker: ((m: LocalMessage | null) => void) | null = null;
  private readonly room: (() => void)[] = [];
  private closed = false;

  /** Waits while the channel is full; after close() messages are dropped (the run is over). */
  async put(m: LocalMessage): Promise<void> {
    while (!this.closed && this.items.length >= CAPACITY) await new Promise<void>((resolve) => this.room.push(resolve));
    if (this.closed) return;
    const taker = this.taker;
    if (taker) {
      this.taker = null;
      taker(m);
    } else this.items.push(m);
  }

  /** The next message, or null once closed. One receiver at a time. */
  take(): Promise<LocalMessage | null> {
    const m = this.items.shift();
    if (m !== undefined) {
      this.room.shift()?.();
      return Promise.resolve(m);
    }
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => (this.taker = resolve));
  }

  close(): void {
    this.closed = true;
    this.items.length = 0;
    this.taker?.(null);
    this.taker = null;
    for (const wake of this.room.splice(0)) wake();
  }
}

const channels = new Map<string, LocalChannel>();

/** The channel of `key` in this process, made by whichever end asks first. */
export function localChannel(key: string): LocalChannel {
  let ch = channels.get(key);
  if (!ch) channels.set(key, (ch = new LocalChannel()));
  return ch;
}

/** Closes and forgets a channel (either end, when its subtask stops or the stream ended). */
export function dropLocalChannel(key: string): void {
  channels.get(key)?.close();
  channels.delete(key);
}

export function localChannelKey(jobId: string, runId: number, edgeId: string, to: number, from: number): string {
  return `${jobId}.${runId}.${edgeId}.${to}.${from}`;
}

/** Whether subtask `from` of `fromTask` and subtask `to` of `toTask` run in the same worker. */
export function sameWorker(placement: readonly SubtaskAssignment[], fromTask: string, from: number, toTask: string, to: number): boolean {
  if (process.env.RIVULET_LOCAL_CHANNELS === 'off') return false;
  const a = placement.find((p) => p.task_id === fromTask && p.subtask_index === from);
  const b = placement.find((p) => p.task_id === toTask && p.subtask_index === to);
  return a !== undefined && b !== undefined && a.worker_id === b.worker_id;
}
