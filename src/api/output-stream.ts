// A job's output as an async iterator: one core NATS subscription per subject its sinks publish
// to (the preview subject, nats and jetstream sinks), merged. It ends when the caller stops
// iterating, the signal aborts, or (by default) the job comes to rest.

import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { decodeJson } from '../nats/codec.js';
import type { JobOutput, JobState } from '../wire.js';
import { StateConflictError } from './client-errors.js';
import type { OutputRecord } from './schema/jobs.js';

/** `{subject, record}`: the subject it arrived on (which sink wrote it) and the record. */
export type { OutputRecord };

export interface OutputOptions {
  signal?: AbortSignal;
  /** End once the job is Stopped, Finished or Failed (default true). */
  untilRest?: boolean;
  /** How often the job's state is checked; default 500 ms. */
  pollMs?: number;
}

const AT_REST: JobState[] = ['Stopped', 'Finished', 'Failed'];
/** Records still in flight from the workers when the job reached rest (another connection). */
const DRAIN_MS = 250;

/** The subjects a job's sinks publish to; none (only stdout or blackhole sinks) is a 409. */
export function outputSubjects(out: JobOutput): string[] {
  const targets = [...new Set(out.sinks.map((s) => s.subject).filter((s): s is string => s !== null))];
  if (targets.length === 0) throw new StateConflictError(`job ${out.job_id} has no sink that publishes to NATS (only stdout or blackhole sinks)`);
  return targets;
}

export async function* outputRecords(nc: NatsConnection, out: JobOutput, stateOf: () => Promise<JobState>, o: OutputOptions = {}): AsyncGenerator<OutputRecord> {
  const targets = outputSubjects(out);
  const queue: OutputRecord[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  let failure: unknown = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const end = (err?: unknown) => {
    if (err !== undefined && failure === null) failure = err;
    ended = true;
    notify();
  };
  const subs: Subscription[] = targets.map((subject) =>
    nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return end(err);
        let record: unknown;
        try {
          record = decodeJson(msg.data);
        } catch {
          record = new TextDecoder().decode(msg.data); // not JSON: hand over the text
        }
        queue.push({ subject: msg.subject, record });
        notify();
      },
    }),
  );
  const onAbort = () => end();
  o.signal?.addEventListener('abort', onAbort);
  let poll: NodeJS.Timeout | undefined;
  if (o.untilRest !== false) {
    const check = async () => {
      try {
        if (AT_REST.includes(await stateOf())) return void setTimeout(() => end(), DRAIN_MS);
      } catch (err) {
        return end(err);
      }
      if (!ended) poll = setTimeout(check, o.pollMs ?? 500);
    };
    poll = setTimeout(check, 0);
  }
  try {
    await nc.flush(); // subscriptions are in place before anything is awaited from them
    for (;;) {
      while (queue.length > 0) yield queue.shift()!;
      if (ended || o.signal?.aborted) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failure !== null) throw failure;
  } finally {
    clearTimeout(poll);
    o.signal?.removeEventListener('abort', onAbort);
    for (const s of subs) s.unsubscribe();
  }
}
