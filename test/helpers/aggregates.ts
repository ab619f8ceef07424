// The keyed aggregation the checkpoint tests run, its reference, and the exactly-once checks.

import { expect } from 'vitest';

export interface Tx {
  id: number;
  user: string;
  amount: number;
}

export interface AggRow {
  user: string;
  n: number;
  total: number;
}

const USERS = Array.from({ length: 12 }, (_, i) => `u${i}`);

/** Deterministic transactions with ids from `from`. Amounts are integers: exact sums. */
export function txs(from: number, count: number): Tx[] {
  return Array.from({ length: count }, (_, k) => {
    const id = from + k;
    return { id, user: USERS[(id * 7) % USERS.length]!, amount: (id * 37) % 1000 };
  });
}

export function reference(all: Tx[]): Map<string, { n: number; total: number }> {
  const ref = new Map<string, { n: number; total: number }>();
  for (const t of all) {
    const r = ref.get(t.user) ?? { n: 0, total: 0 };
    r.n++;
    r.total += t.amount;
    ref.set(t.user, r);
  }
  return ref;
}

export function aggSpec(name: string, inStream: string, inSubject: string, outStream: string, outSubject: string, parallelism: number) {
  return {
    name,
    config: { parallelism, checkpoint_interval_ms: 1000, restart_strategy: { type: 'fixed_delay', attempts: 20, delay_ms: 200 } },
    sources: [{ type: 'jetstream', config: { stream: inStream, subject: inSubject, format: 'json', schema: { fields: [{ name: 'id', type: 'int64' }, { name: 'user', type: 'utf8' }, { name: 'amount', type: 'int64' }] } } }],
    transformations: [{ type: 'aggregate', config: { group_by: ['user'], aggregates: ['count(*) AS n', 'sum(amount) AS total'] } }],
    sinks: [{ type: 'jetstream', config: { stream: outStream, subject: outSubject, format: 'json' } }],
  };
}

/** The newest row per key, in stream order. */
export function lastPerKey(rows: AggRow[]): Map<string, AggRow> {
  const last = new Map<string, AggRow>();
  for (const r of rows) last.set(r.user, r);
  return last;
}

export function matchesReference(rows: AggRow[], ref: Map<string, { n: number; total: number }>): boolean {
  const last = lastPerKey(rows);
  if (last.size !== ref.size) return false;
  for (const [user, r] of ref) {
    const got = last.get(user);
    if (!got || got.n !== r.n || got.total !== r.total) return false;
  }
  return true;
}

/** No record twice: per key, the emitted counts strictly increase; and the end state is exact. */
export function expectExactlyOnce(rows: AggRow[], ref: Map<string, { n: number; total: number }>): void {
  const seen = new Map<string, number>();
  for (const r of rows) {
    const prev = seen.get(r.user) ?? 0;
    expect(r.n, `count of ${r.user} after ${prev}`).toBeGreaterThan(prev);
    seen.set(r.user, r.n);
  }
  for (const [user, r] of ref) expect(lastPerKey(rows).get(user)).toEqual({ user, n: r.n, total: r.total });
}
