// What the controller writes to a job's log stream (src/nats/log-stream.ts): lifecycle
// transitions, failures, checkpoints, subtask errors workers report and records that did not
// decode. Writes are fire-and-forget: a log that cannot be written must not hold a job up.

import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { CheckpointMeta } from '../checkpoint/store.js';
import { encodeJson } from '../nats/codec.js';
import { LOG_MAX_TEXT, type Level, type StoredEntry } from '../nats/log-stream.js';
import { subjects, type JobState, type Subjects } from '../wire.js';

/** At most one "records did not decode" entry per job this often. */
const BAD_RECORDS_EVERY_MS = 10_000;

const cut = (s: string) => (s.length > LOG_MAX_TEXT ? `${s.slice(0, LOG_MAX_TEXT - 1)}…` : s);

export interface EntryExtra {
  task_id?: string;
  subtask_index?: number;
  details?: string;
}

export class JobJournal {
  private readonly s: Subjects['logs'];
  private failing = false;
  private readonly badRecords = new Map<string, { total: number; at: number }>();
  /** Job failures seen by this controller: transitions into Recovering or Failing. */
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly js: JetStreamClient,
    prefix: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.s = subjects(prefix).logs;
  }

  write(jobId: string, level: Level, message: string, extra: EntryExtra = {}): void {
    const entry: StoredEntry = { ts: this.now(), level, message: cut(message), job_id: jobId, ...extra };
    if (extra.details !== undefined) entry.details = cut(extra.details);
    this.js.publish(this.s.entry(jobId, level), encodeJson(entry)).then(
      () => (this.failing = false),
      (err) => {
        // One warning per outage, not one per entry.
        if (!this.failing) this.log.warn({ err, job_id: jobId }, 'cannot write to the job log stream');
        this.failing = true;
      },
    );
  }

  transition(jobId: string, from: JobState, to: JobState, failure: string | null): void {
    if (to === 'Recovering' || to === 'Failing') this.failures.set(jobId, this.failuresOf(jobId) + 1);
    if (to === 'Failing' || to === 'Failed') this.write(jobId, 'error', `job ${to} (was ${from})${failure ? `: ${failure}` : ''}`);
    else if (to === 'Recovering') this.write(jobId, 'warn', `job Recovering (was ${from})${failure ? `: ${failure}` : ''}`);
    else this.write(jobId, 'info', `job ${to} (was ${from})`);
  }

  subtaskFailed(jobId: string, taskId: string, index: number, error: { name: string; message: string; domain: string } | undefined): void {
    this.write(jobId, 'error', `subtask ${taskId}/${index} failed: ${error?.message ?? 'unknown error'}`, {
      task_id: taskId,
      subtask_index: index,
      details: error ? `${error.name} (${error.domain})` : undefined,
    });
  }

  checkpoint(jobId: string, meta: CheckpointMeta, error?: unknown): void {
    const what = meta.kind === 'savepoint' ? `savepoint ${meta.savepoint_id} (epoch ${meta.epoch})` : `checkpoint ${meta.epoch}`;
    if (error === undefined) {
      const ms = (meta.finish_time ?? this.now()) - meta.start_time;
      // Periodic checkpoints are routine (debug); a savepoint is something a user asked for.
      this.write(jobId, meta.kind === 'savepoint' ? 'info' : 'debug', `${what} completed in ${ms} ms (${meta.state_bytes} bytes)`);
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    // Abandoned because the run is going away on purpose: not a problem of its own.
    this.write(jobId, reason.includes('abandoned') ? 'info' : 'warn', `${what} failed: ${reason}`);
  }

  /** `total`: the job's undecodable records so far; logs the increase, at most every 10 s. */
  badRecordsSeen(jobId: string, total: number): void {
    const last = this.badRecords.get(jobId);
    const now = this.now();
    if (!last) {
      // The first sight (a new job, or a restarted controller) sets the baseline.
      this.badRecords.set(jobId, { total, at: 0 });
      return;
    }
    if (total <= last.total || now - last.at < BAD_RECORDS_EVERY_MS) return;
    const n = total - last.total;
    this.write(jobId, 'warn', `${n} record(s) could not be decoded and were skipped (${total} so far)`);
    this.badRecords.set(jobId, { total, at: now });
  }

  failuresOf(jobId: string): number {
    return this.failures.get(jobId) ?? 0;
  }

  forget(jobId: string): void {
    this.badRecords.delete(jobId);
    this.failures.delete(jobId);
  }
}
