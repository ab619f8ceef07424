// Job records in the jobs KV bucket (key = job id, JSON value), so a restarted controller finds
// and re-adopts its jobs. Only the controller writes: no compare-and-set, and a put is a single
// publish awaited for its ack, cheap enough for every job transition.

import type { JetStreamManager } from '@nats-io/jetstream';
import { jetstreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { ValidationError } from '../errors.js';
import { subjects } from '../wire.js';
import { guard, openKv, purgeKv, readJson } from './store.js';

export interface StoredJob {
  job_id: string;
  spec: unknown;
  /** ms since the epoch. */
  submitted_at: number;
  state: string;
  context: Record<string, unknown>;
  /** ms since the epoch. */
  updated_at: number;
}

const ID = /^[-_=A-Za-z0-9]+$/;

export class JobStore {
  private constructor(
    private readonly kv: KV,
    private readonly jsm: JetStreamManager,
    private readonly bucket: string,
  ) {}

  /** Creates the bucket when missing; safe to call from several processes at once. */
  static async open(nc: NatsConnection, prefix: string): Promise<JobStore> {
    const { jobs } = subjects(prefix).buckets;
    const [kv, jsm] = await Promise.all([
      openKv(nc, jobs, 'Rivulet job records'),
      guard('cannot reach JetStream', () => jetstreamManager(nc)),
    ]);
    return new JobStore(kv, jsm, jobs);
  }

  /**
   * Replaces the record. Puts are applied in the order they are called on one connection, so a
   * caller may fire several without awaiting each and the last one wins.
   */
  async put(job: StoredJob): Promise<void> {
    if (!ID.test(job.job_id)) throw new ValidationError(`invalid job id "${job.job_id}": only letters, digits, "-", "_" and "=" are allowed`);
    await guard(`cannot store job ${job.job_id}`, () => this.kv.put(job.job_id, JSON.stringify(job)));
  }

  async get(jobId: string): Promise<StoredJob | null> {
    if (!ID.test(jobId)) return null;
    const entry = await guard(`cannot read job ${jobId}`, () => this.kv.get(jobId));
    return entry !== null && entry.operation === 'PUT' ? entry.json<StoredJob>() : null;
  }

  /** Every record, oldest submission first. */
  async list(): Promise<StoredJob[]> {
    const jobs = await readJson<StoredJob>(this.kv, '>');
    return jobs.sort((a, b) => a.submitted_at - b.submitted_at || (a.job_id < b.job_id ? -1 : a.job_id > b.job_id ? 1 : 0));
  }

  /** Removes the record without a tombstone; false when there was none. */
  async delete(jobId: string): Promise<boolean> {
    if (!ID.test(jobId)) return false;
    return (await purgeKv(this.jsm, this.bucket, jobId)) > 0;
  }
}
