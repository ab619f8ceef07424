// Collects the JSON records published on a subject, and waits for a count of them.

import type { NatsConnection } from '@nats-io/nats-core';

export interface Collector<T = Record<string, unknown>> {
  readonly records: T[];
  /** Resolves once at least `n` records arrived; rejects after `timeoutMs` naming how many did. */
  waitFor(n: number, timeoutMs?: number): Promise<T[]>;
  stop(): void;
}

export async function collect<T = Record<string, unknown>>(nc: NatsConnection, subject: string): Promise<Collector<T>> {
  const records: T[] = [];
  const sub = nc.subscribe(subject, { callback: (_e, msg) => void records.push(msg.json<T>()) });
  await nc.flush();
  return {
    records,
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (records.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${records.length} of ${n} records arrived on ${subject} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return records;
    },
    stop: () => sub.unsubscribe(),
  };
}

/** Waits until `check()` is true, polling; throws with `what` after the timeout. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Collects every job's preview output under `prefix`, from before a submit: a job's id (and so
 * its subject) is known only after submit, and a fast job may have sent output by then.
 */
export async function previewOutputs<T = Record<string, unknown>>(nc: NatsConnection, prefix: string) {
  const seen: Array<{ subject: string; row: T }> = [];
  const sub = nc.subscribe(`${prefix}.output.*`, { callback: (_e, m) => void seen.push({ subject: m.subject, row: m.json<T>() }) });
  await nc.flush();
  const of = (jobId: string) => seen.filter((s) => s.subject === `${prefix}.output.${jobId}`).map((s) => s.row);
  return {
    of,
    async waitFor(jobId: string, n: number, timeoutMs = 20_000): Promise<T[]> {
      await eventually(() => of(jobId).length >= n, `${n} records from ${jobId}`, timeoutMs);
      return of(jobId);
    },
    stop: () => sub.unsubscribe(),
  };
}
