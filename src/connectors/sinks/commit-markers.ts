// Commit markers of the exactly-once sinks: one KV entry per (job, task, subtask, epoch) whose
// output was published completely, in the bucket `subjects(prefix).buckets.sinkCommits`. A
// restored run checks them before publishing a checkpoint's pending output again, so a commit
// that finished before a crash is not repeated, however long ago it happened (JetStream's
// duplicate window only covers a crash between publishing and writing the marker).
//
// Keys: `<job>.<task>.<subtask>.<epoch>`, so a job's markers can be purged with `<job>.>` when the
// job and its checkpoints are deleted. Markers are never expired here: a savepoint may be restored
// any time later, and an expired marker would let its pending output be published twice.

import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { ExternalError } from '../../errors.js';
import { subjects } from '../../wire.js';

/** Whose output an epoch is: the subtask that wrote it (in the run that wrote it). */
export interface OutputOrigin {
  job: string;
  task: string;
  subtask: number;
}

const encoder = new TextEncoder();

export class CommitMarkers {
  private constructor(
    private readonly kv: KV,
    readonly bucket: string,
  ) {}

  /** Opens the bucket, creating it when missing (safe from many subtasks at once). */
  static async open(nc: NatsConnection, prefix: string): Promise<CommitMarkers> {
    const bucket = subjects(prefix).buckets.sinkCommits;
    try {
      const kv = await new Kvm(nc).create(bucket, { history: 1, description: 'Rivulet committed sink epochs' });
      return new CommitMarkers(kv, bucket);
    } catch (err) {
      throw new ExternalError(`cannot open KV bucket ${bucket}: ${message(err)}`, { cause: err });
    }
  }

  static key(origin: OutputOrigin, epoch: number): string {
    return `${token(origin.job)}.${token(origin.task)}.${origin.subtask}.${epoch}`;
  }

  async has(origin: OutputOrigin, epoch: number): Promise<boolean> {
    const key = CommitMarkers.key(origin, epoch);
    try {
      const entry = await this.kv.get(key);
      return entry !== null && entry.operation === 'PUT';
    } catch (err) {
      throw new ExternalError(`cannot read commit marker ${key}: ${message(err)}`, { cause: err });
    }
  }

  async set(origin: OutputOrigin, epoch: number, records: number): Promise<void> {
    const key = CommitMarkers.key(origin, epoch);
    try {
      await this.kv.put(key, encoder.encode(JSON.stringify({ records, committed_at: new Date().toISOString() })));
    } catch (err) {
      throw new ExternalError(`cannot write commit marker ${key}: ${message(err)}`, { cause: err });
    }
  }
}

/** A KV key token: no dots (they separate tokens) and only the characters KV allows. */
function token(s: string): string {
  return s.replace(/[^-_=A-Za-z0-9]/g, '_');
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
