// Durable checkpoint storage: subtask snapshots as msgpack objects in the Object Store bucket
// (`<job>/<ref>/<task>/<index>`), checkpoint and savepoint meta as JSON in the checkpoints KV
// bucket (`<job>.ckpt.<epoch, 12 digits>` and `<job>.sp.<savepoint id>`). Removal purges
// subjects outright: a checkpoint every few seconds would otherwise leave a tombstone each time.

import type { NatsConnection } from '@nats-io/nats-core';
import { Base64UrlPaddedCodec, Objm, type ObjectStore, setSha256Backend } from '@nats-io/obj';

// Node's native SHA-256 for object digests: the default pure-JS one cost ~30% of a worker's CPU
// when checkpoints carry megabytes (an exactly-once sink's pending output).
setSha256Backend('native');

const OBJECT_STORE_TIMEOUT_MS = 30_000;
import { jetstream } from '@nats-io/jetstream';
import { Packr } from 'msgpackr';
import { InternalError, ValidationError } from '../errors.js';
import { subjects } from '../wire.js';
import { checkId, guard, ID_PATTERN as ID, JsonKv, withRetry } from './job-store.js';
import type { CheckpointMeta, SubtaskSnapshot } from './meta.js';

export type { CheckpointMeta, SubtaskCheckpointStats, SubtaskSnapshot } from './meta.js';

/** Self-describing msgpack (no shared record structures to persist); typed arrays keep their type. */
const packr = new Packr({ useRecords: false, moreTypes: true });
/**
 * Object chunk size: as large as the server's max_payload allows (less room for headers), up to
 * 4 MiB. The Object Store publishes chunks one at a time, each awaiting its ack, so a large
 * snapshot's write time is mostly round trips: 512 KiB chunks made a 160 MB snapshot take ~12 s.
 */
function chunkBytesFor(nc: NatsConnection): number {
  const max = nc.info?.max_payload ?? 1024 * 1024;
  return Math.max(64 * 1024, Math.min(4 * 1024 * 1024, max - 64 * 1024));
}
/** Object deletions in flight at once. */
const DELETE_CONCURRENCY = 16;

export class CheckpointStore {
  /**
   * Each listed job's metas by key, kept up to date by this store's own writes: the controller
   * writes every meta itself, so `jobs.get` (five newest checkpoints) needs no KV round trip.
   */
  private readonly metaCache = new Map<string, Map<string, CheckpointMeta>>();
  /** Writes per job, so a listing that raced a write is not cached. */
  private readonly metaWrites = new Map<string, number>();

  private constructor(
    private readonly kv: JsonKv,
    private readonly os: ObjectStore,
    private readonly osBucket: string,
    private readonly chunkBytes: number,
  ) {}

  /** Creates both buckets when missing; safe to call from several processes at once. */
  static async open(nc: NatsConnection, prefix: string): Promise<CheckpointStore> {
    const { checkpoints, state } = subjects(prefix).buckets;
    const [kv, os] = await Promise.all([
      JsonKv.open(nc, checkpoints, 'Rivulet checkpoint and savepoint meta'),
      guard(`cannot open object store ${state}`, () =>
        // Each chunk of a put is a JetStream publish awaiting its ack: a large snapshot written
        // while the server is busy with the job's own traffic needs longer than the 5 s default.
        withRetry(() => new Objm(jetstream(nc, { timeout: OBJECT_STORE_TIMEOUT_MS })).create(state, { description: 'Rivulet state snapshots' })),
      ),
    ]);
    return new CheckpointStore(kv, os, state, chunkBytesFor(nc));
  }

  async writeSnapshot(jobId: string, ref: string, taskId: string, index: number, snap: SubtaskSnapshot): Promise<number> {
    const name = objectName(jobId, ref, taskId, index);
    const bytes = packr.pack(snap);
    const info = await guard(`cannot write snapshot ${name}`, () =>
      this.os.put({ name, options: { max_chunk_size: this.chunkBytes } }, chunked(bytes, this.chunkBytes)),
    );
    return info.size;
  }

  /** Index i is old subtask i; null where that subtask wrote nothing. */
  async readSnapshots(jobId: string, ref: string, taskId: string, parallelism: number): Promise<(SubtaskSnapshot | null)[]> {
    const names = Array.from({ length: parallelism }, (_, i) => objectName(jobId, ref, taskId, i));
    return Promise.all(
      names.map(async (name) => {
        const bytes = await guard(`cannot read snapshot ${name}`, () => this.os.getBlob(name));
        if (bytes === null) return null;
        try {
          return packr.unpack(bytes) as SubtaskSnapshot;
        } catch (err) {
          throw new InternalError(`snapshot ${name} is not valid msgpack`, { cause: err });
        }
      }),
    );
  }

  async putMeta(meta: CheckpointMeta): Promise<void> {
    await this.kv.put(metaKey(meta), meta);
    // A copy as KV would return it: the caller may go on changing its object.
    this.cacheWrite(meta.job_id, (c) => c.set(metaKey(meta), JSON.parse(JSON.stringify(meta)) as CheckpointMeta));
  }

  /** A checkpoint, else a savepoint, with this epoch. */
  async getMeta(jobId: string, epoch: number): Promise<CheckpointMeta | null> {
    if (!ID.test(jobId) || !Number.isSafeInteger(epoch) || epoch < 0 || epoch >= 1e12) return null;
    const meta = await this.kv.get<CheckpointMeta>(ckptKey(jobId, epoch));
    return meta ?? (await this.listSavepoints(jobId)).find((m) => m.epoch === epoch) ?? null;
  }

  /** Checkpoints and savepoints by epoch (a checkpoint before a savepoint of the same epoch). */
  async listMeta(jobId: string): Promise<CheckpointMeta[]> {
    const cached = this.metaCache.get(jobId);
    if (cached) return sortByEpoch([...cached.values()]);
    const writes = this.metaWrites.get(jobId) ?? 0;
    const metas = await this.read(checkId('job id', jobId), '>');
    if ((this.metaWrites.get(jobId) ?? 0) === writes) this.metaCache.set(jobId, new Map(metas.map((m) => [metaKey(m), m])));
    return sortByEpoch(metas);
  }

  private cacheWrite(jobId: string, change: (cached: Map<string, CheckpointMeta>) => void): void {
    this.metaWrites.set(jobId, (this.metaWrites.get(jobId) ?? 0) + 1);
    const cached = this.metaCache.get(jobId);
    if (cached) change(cached);
  }

  async latestCompleted(jobId: string): Promise<CheckpointMeta | null> {
    return (await this.listMeta(jobId)).filter((m) => m.status === 'completed').at(-1) ?? null;
  }

  async getSavepoint(jobId: string, savepointId: string): Promise<CheckpointMeta | null> {
    if (!ID.test(jobId) || !ID.test(savepointId)) return null;
    return this.kv.get<CheckpointMeta>(spKey(jobId, savepointId));
  }

  async listSavepoints(jobId: string): Promise<CheckpointMeta[]> {
    return sortByEpoch(await this.read(checkId('job id', jobId), 'sp.*'));
  }

  /** Removes the savepoint's objects, then its meta; false when there is no such savepoint. */
  async deleteSavepoint(jobId: string, savepointId: string): Promise<boolean> {
    const meta = await this.getSavepoint(jobId, savepointId);
    if (meta === null) return false;
    await this.remove(meta);
    return true;
  }

  /**
   * Deletes failed checkpoints and completed ones older than the newest `keep` (at least 1)
   * completed checkpoints; savepoints and in-progress checkpoints stay. Returns how many went.
   */
  async gc(jobId: string, keep = 3): Promise<number> {
    const metas = await this.read(checkId('job id', jobId), 'ckpt.*');
    const completed = metas.filter((m) => m.status === 'completed').sort((a, b) => b.epoch - a.epoch);
    const victims = [...completed.slice(Math.max(1, Math.floor(keep))), ...metas.filter((m) => m.status === 'failed')];
    for (const meta of victims) await this.remove(meta);
    return victims.length;
  }

  /** Everything of a job, savepoints and objects no meta names (e.g. of an unrecorded epoch). */
  async deleteJob(jobId: string): Promise<void> {
    checkId('job id', jobId);
    const all = await guard(`cannot list objects of ${this.osBucket}`, () => this.os.list());
    const names = all.filter((o) => o.name.startsWith(`${jobId}/`)).map((o) => o.name);
    await eachLimited(names, DELETE_CONCURRENCY, (n) => this.deleteObject(n));
    await this.kv.purge(`${jobId}.>`);
    this.metaCache.delete(jobId);
    this.metaWrites.delete(jobId);
  }

  location(jobId: string, ref: string): string {
    return `nats-object-store://${this.osBucket}/${jobId}/${ref}`;
  }

  /** Objects first: if this stops halfway, the meta still names what is left for a retry. */
  private async remove(meta: CheckpointMeta): Promise<void> {
    await eachLimited(objectNames(meta), DELETE_CONCURRENCY, (n) => this.deleteObject(n));
    await this.kv.purge(metaKey(meta));
    this.cacheWrite(meta.job_id, (c) => c.delete(metaKey(meta)));
  }

  /**
   * ObjectStore.delete marks the object deleted and purges its chunks, but keeps the marker: one
   * per snapshot forever. Purging the meta subject afterwards leaves nothing. Never the other way
   * round: meta without chunks makes a reader wait forever.
   */
  private async deleteObject(name: string): Promise<void> {
    await guard(`cannot delete snapshot ${name}`, async () => {
      await this.os.delete(name);
      await this.kv.jsm.streams.purge(`OBJ_${this.osBucket}`, { filter: `$O.${this.osBucket}.M.${Base64UrlPaddedCodec.encode(name)}` });
    });
  }

  private read(jobId: string, rest: string): Promise<CheckpointMeta[]> {
    return this.kv.list<CheckpointMeta>(`${jobId}.${rest}`);
  }
}

function ckptKey(jobId: string, epoch: number): string {
  if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch >= 1e12) throw new ValidationError(`invalid checkpoint epoch ${epoch}`);
  // Padded so keys sort as epochs do.
  return `${checkId('job id', jobId)}.ckpt.${String(epoch).padStart(12, '0')}`;
}

function spKey(jobId: string, savepointId: string): string {
  return `${checkId('job id', jobId)}.sp.${checkId('savepoint id', savepointId)}`;
}

function metaKey(meta: CheckpointMeta): string {
  if (meta.kind === 'checkpoint') return ckptKey(meta.job_id, meta.epoch);
  if (meta.savepoint_id === null) throw new ValidationError(`savepoint ${meta.epoch} of ${meta.job_id} has no savepoint_id`);
  return spKey(meta.job_id, meta.savepoint_id);
}

function objectName(jobId: string, ref: string, taskId: string, index: number): string {
  return `${checkId('job id', jobId)}/${checkId('snapshot ref', ref)}/${taskId}/${index}`;
}

/** Every object a checkpoint may have: each subtask of each task that ran or reported. */
function objectNames(meta: CheckpointMeta): string[] {
  const counts = new Map(Object.entries(meta.parallelism));
  for (const [taskId, op] of Object.entries(meta.operators)) {
    for (const s of op.subtasks) counts.set(taskId, Math.max(counts.get(taskId) ?? 0, s.index + 1));
  }
  return [...counts].flatMap(([taskId, n]) => Array.from({ length: n }, (_, i) => objectName(meta.job_id, meta.ref, taskId, i)));
}

function sortByEpoch(metas: CheckpointMeta[]): CheckpointMeta[] {
  return metas.sort((a, b) => a.epoch - b.epoch || (a.kind === b.kind ? 0 : a.kind === 'checkpoint' ? -1 : 1));
}

/** Hands the object store one slice at a time instead of one 5 MB blob. */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.subarray(at, at + size));
      at += size;
    },
  });
}

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

