// Job logs: one JetStream stream per deployment (`<PREFIX>_LOGS`), one subject per job and level
// (`<prefix>.logs.<job_id>.<level>`), JSON entries. Limits retention (age, entries per subject)
// bounds it, and being in JetStream it outlives controller restarts. Reads use an ordered
// consumer on the job's subjects: one pass, no server state left behind.

import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { ExternalError } from '../errors.js';
import { subjects } from '../wire.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type Level = (typeof LOG_LEVELS)[number];

/** Kept this long… */
export const LOG_MAX_AGE_MS = 7 * 24 * 3600_000;
/** …and at most this many entries per job and level (checkpoint chatter cannot push errors out). */
export const LOG_MAX_PER_SUBJECT = 10_000;
/** Longer messages and details are cut: an entry is a line, not a dump. */
export const LOG_MAX_TEXT = 4096;

const SCAN_IDLE_MS = 2000;

/** What the stream holds (JSON). */
export interface StoredEntry {
  /** ms since the epoch. */
  ts: number;
  level: Level;
  message: string;
  job_id: string;
  task_id?: string;
  subtask_index?: number;
  details?: string;
}

export function logStreamConfig(prefix: string) {
  const s = subjects(prefix).logs;
  return {
    name: s.stream,
    subjects: [s.all],
    max_age: LOG_MAX_AGE_MS * 1_000_000, // nanoseconds
    max_msgs_per_subject: LOG_MAX_PER_SUBJECT,
    // Message and details are cut at LOG_MAX_TEXT characters: up to 4 bytes each in UTF-8.
    max_msg_size: 64 * 1024,
  };
}

/**
 * Creates the stream when missing and otherwise leaves it alone: an operator may have changed its
 * limits on purpose, and ensureStream would undo that.
 */
export async function openLogStream(jsm: JetStreamManager, prefix: string): Promise<void> {
  const config = logStreamConfig(prefix);
  try {
    await jsm.streams.info(config.name);
    return;
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw new ExternalError(`cannot read stream ${config.name}`, { cause: err });
  }
  try {
    await jsm.streams.add(config);
  } catch (err) {
    // Another process created it first.
    if (!(await jsm.streams.info(config.name).catch(() => null))) throw new ExternalError(`cannot create stream ${config.name}`, { cause: err });
  }
}

/** Entries per level of one job now in the stream. */
export async function countByLevel(jsm: JetStreamManager, prefix: string, jobId: string): Promise<{ counts: Record<Level, number>; lastSeq: number }> {
  const s = subjects(prefix).logs;
  const info = await jsm.streams.info(s.stream, { subjects_filter: s.job(jobId) });
  const counts = { debug: 0, info: 0, warn: 0, error: 0 };
  for (const [subject, n] of Object.entries(info.state.subjects ?? {})) {
    const level = subject.slice(subject.lastIndexOf('.') + 1) as Level;
    if (level in counts) counts[level] += n;
  }
  return { counts, lastSeq: info.state.last_seq };
}

/**
 * Calls `each` with every entry of `filter` from the start of the stream up to `lastSeq`, in
 * stream order, until it returns false.
 */
export async function scanEntries(jsm: JetStreamManager, stream: string, filter: string, lastSeq: number, each: (seq: number, e: StoredEntry) => boolean): Promise<void> {
  const consumer = await jsm.jetstream().consumers.get(stream, { filter_subjects: filter, deliver_policy: DeliverPolicy.All });
  const iter = await consumer.consume({ max_messages: 1000 });
  // Entries counted a moment ago may have aged out since: do not wait for them forever.
  let idle = setTimeout(() => iter.stop(), SCAN_IDLE_MS);
  try {
    for await (const m of iter) {
      clearTimeout(idle);
      if (m.seq > lastSeq) break;
      if (!each(m.seq, m.json<StoredEntry>())) break;
      if (m.info.pending === 0 || m.seq === lastSeq) break;
      idle = setTimeout(() => iter.stop(), SCAN_IDLE_MS);
    }
  } finally {
    clearTimeout(idle);
    await iter.close().catch(() => undefined);
  }
}
