// Reads a job's log stream for `jobs.logs` (oldest first, or the newest `limit` with tail) and
// `jobs.errors` (newest first, paged by the id of the last error seen, as Arroyo's job errors).
// The stream is the only source, so a restarted controller answers the same.

import type { JetStreamManager } from '@nats-io/jetstream';
import type { ErrorsQuery, JobErrors, JobLogs, LogEntry, LogsQuery } from '../api/schema/observability.js';
import { countByLevel, LOG_LEVELS, scanEntries, type StoredEntry } from '../nats/log-stream.js';
import { subjects } from '../wire.js';
import { Ring } from '../metrics/history.js';

function toEntry(seq: number, e: StoredEntry): LogEntry {
  return {
    id: String(seq),
    timestamp: new Date(e.ts).toISOString(),
    level: e.level,
    message: e.message,
    task_id: e.task_id ?? null,
    subtask_index: e.subtask_index ?? null,
    details: e.details ?? null,
  };
}

export async function readLogs(jsm: JetStreamManager, prefix: string, q: LogsQuery): Promise<JobLogs> {
  const s = subjects(prefix).logs;
  const { counts, lastSeq } = await countByLevel(jsm, prefix, q.job_id);
  const wanted = new Set(LOG_LEVELS.slice(LOG_LEVELS.indexOf(q.level ?? 'debug')));
  const total = [...wanted].reduce((n, l) => n + counts[l], 0);
  const reply: JobLogs = { job_id: q.job_id, logs: [], total, limit: q.limit };
  if (total === 0) return reply;
  // One level is one subject; several are filtered here (2.9 servers take one filter subject).
  const filter = wanted.size === 1 ? s.entry(q.job_id, [...wanted][0]!) : s.job(q.job_id);
  if (q.tail) {
    const last = new Ring<LogEntry>(q.limit);
    await scanEntries(jsm, s.stream, filter, lastSeq, (seq, e) => {
      if (wanted.has(e.level)) last.push(toEntry(seq, e));
      return true;
    });
    reply.logs = last.toArray();
  } else {
    await scanEntries(jsm, s.stream, filter, lastSeq, (seq, e) => {
      if (wanted.has(e.level)) reply.logs.push(toEntry(seq, e));
      return reply.logs.length < q.limit;
    });
  }
  return reply;
}

export async function readErrors(jsm: JetStreamManager, prefix: string, q: ErrorsQuery): Promise<JobErrors> {
  const s = subjects(prefix).logs;
  const { counts, lastSeq } = await countByLevel(jsm, prefix, q.job_id);
  if (counts.error === 0) return { data: [], has_more: false };
  const before = q.starting_after === undefined ? Infinity : Number(q.starting_after);
  // Newest first: keep the newest limit + 1 older than the cursor (the extra one says has_more).
  const page = new Ring<LogEntry>(q.limit + 1);
  await scanEntries(jsm, s.stream, s.entry(q.job_id, 'error'), Math.min(lastSeq, before - 1), (seq, e) => {
    page.push(toEntry(seq, e));
    return true;
  });
  const newest = page.toArray().reverse();
  return { data: newest.slice(0, q.limit), has_more: newest.length > q.limit };
}
