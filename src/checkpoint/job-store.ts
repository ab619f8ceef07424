// Job records in the jobs KV bucket (key = job id, JSON value), so a restarted controller finds
// and re-adopts its jobs; and the JSON KV plumbing the checkpoint store shares. Only the
// controller writes job records: no compare-and-set, a put is one publish awaited for its ack.

import { jetstreamManager, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { ExternalError, RivuletError, ValidationError } from '../errors.js';
import { subjects } from '../wire.js';

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

/** Ids that are one KV key token and one object-name segment: no dots, slashes or wildcards. */
export const ID_PATTERN = /^[-_=A-Za-z0-9]+$/;

export function checkId(what: string, id: string): string {
  if (!ID_PATTERN.test(id)) throw new ValidationError(`invalid ${what} "${id}": only letters, digits, "-", "_" and "=" are allowed`);
  return id;
}

export class JobStore {
  private constructor(private readonly table: JsonKv) {}

  /** Creates the bucket when missing; safe to call from several processes at once. */
  static async open(nc: NatsConnection, prefix: string): Promise<JobStore> {
    return new JobStore(await JsonKv.open(nc, subjects(prefix).buckets.jobs, 'Rivulet job records'));
  }

  /**
   * Replaces the record. Puts on one connection are applied in call order, so a caller may fire
   * several without awaiting each and the last one wins.
   */
  async put(job: StoredJob): Promise<void> {
    await this.table.put(checkId('job id', job.job_id), job);
  }

  async get(jobId: string): Promise<StoredJob | null> {
    return ID_PATTERN.test(jobId) ? this.table.get<StoredJob>(jobId) : null;
  }

  /** Every record, oldest submission first (ties by id). */
  async list(): Promise<StoredJob[]> {
    const jobs = await this.table.list<StoredJob>('>');
    return jobs.sort((a, b) => a.submitted_at - b.submitted_at || (a.job_id < b.job_id ? -1 : a.job_id > b.job_id ? 1 : 0));
  }

  /** Removes the record without a tombstone; false when there was none. */
  async delete(jobId: string): Promise<boolean> {
    return ID_PATTERN.test(jobId) && (await this.table.purge(jobId)) > 0;
  }
}

/** A KV bucket of JSON values, listed and purged through its stream: no consumers, no tombstones. */
export class JsonKv {
  private constructor(
    private readonly kv: KV,
    readonly jsm: JetStreamManager,
    readonly bucket: string,
  ) {}

  /** Opens the bucket, creating it when missing (one value per key, file storage). */
  static async open(nc: NatsConnection, bucket: string, description: string): Promise<JsonKv> {
    const [kv, jsm] = await Promise.all([
      guard(`cannot open KV bucket ${bucket}`, () => withRetry(() => new Kvm(nc).create(bucket, { history: 1, description }))),
      guard('cannot reach JetStream', () => jetstreamManager(nc)),
    ]);
    return new JsonKv(kv, jsm, bucket);
  }

  async put(key: string, value: unknown): Promise<void> {
    await guard(`cannot write ${key} to ${this.bucket}`, () => this.kv.put(key, JSON.stringify(value)));
  }

  async get<T>(key: string): Promise<T | null> {
    const entry = await guard(`cannot read ${key} from ${this.bucket}`, () => this.kv.get(key));
    return entry !== null && entry.operation === 'PUT' ? entry.json<T>() : null;
  }

  /**
   * Latest values of the keys matching `filter` (wildcards allowed). The stream's subject list
   * names the keys in one request, where kv.keys() would leave a consumer behind on every call.
   */
  async list<T>(filter: string): Promise<T[]> {
    const subjectPrefix = `$KV.${this.bucket}.`;
    const info = await guard(`cannot list ${filter} in ${this.bucket}`, () =>
      this.jsm.streams.info(`KV_${this.bucket}`, { subjects_filter: `${subjectPrefix}${filter}` }),
    );
    const keys = Object.keys(info.state.subjects ?? {}).map((s) => s.slice(subjectPrefix.length));
    // A key purged between listing and reading is simply gone.
    const values = await Promise.all(keys.map((k) => this.get<T>(k)));
    return values.filter((v) => v !== null) as T[];
  }

  /** Removes the matching keys with their history and without leaving delete markers. */
  async purge(filter: string): Promise<number> {
    const res = await guard(`cannot purge ${filter} from ${this.bucket}`, () =>
      this.jsm.streams.purge(`KV_${this.bucket}`, { filter: `$KV.${this.bucket}.${filter}` }),
    );
    return res.purged;
  }
}

/**
 * Two processes creating a bucket at once: should the loser's create fail although the bucket
 * now exists (2.9 accepts identical configs, other versions may not), the retry opens it.
 */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 50 * i));
    }
  }
}

/** NATS failures become ExternalError; JetStream refusals other than 503 are not worth a retry. */
export async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RivuletError) throw err;
    const retryable = !(err instanceof JetStreamApiError) || err.status === 503;
    throw new ExternalError(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err, retryable });
  }
}
