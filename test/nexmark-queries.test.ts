// The Nexmark queries of examples/nexmark/, run through the SQL engine on real worker processes
// at parallelism 1 and 2 over a bounded generated stream, against an independent plain-JS
// reference computed in the test from the same generated events.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NexmarkGenerator } from '../src/connectors/nexmark/generator.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import * as ref from './helpers/nexmark-reference.js';
import { useTestStack } from './helpers/stack.js';

const t = useTestStack({ workers: 2 });

/** 60k events: about 6 s of event time at the generator's default 10k events/s, so several windows. */
const COUNT = 60_000;
const events = new NexmarkGenerator({ count: COUNT }).events(0, COUNT);

/** The example query with its unbounded nexmark table made bounded. */
function query(name: string): string {
  const text = readFileSync(path.join(PACKAGE_ROOT, 'examples', 'nexmark', `${name}.sql`), 'utf8');
  const bounded = text.replace(/WITH \(connector = 'nexmark'[^)]*\)/, `WITH (connector = 'nexmark', count = '${COUNT}')`);
  if (bounded === text) throw new Error(`${name}.sql has no nexmark table to bound`);
  return bounded;
}

type Row = Record<string, unknown>;

/** Timestamps come back as ISO strings; the reference has ms. Floats compared after rounding. */
function normalize(rows: Row[], keys: string[]): string[] {
  return rows
    .map((r) =>
      JSON.stringify(
        keys.map((k) => {
          const v = r[k];
          if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return Date.parse(v);
          if (typeof v === 'number' && !Number.isInteger(v)) return Math.round(v * 1e6) / 1e6;
          return v;
        }),
      ),
    )
    .sort();
}

/**
 * Submits, and collects the job's preview output from before the first record can be sent (the
 * subscription covers every job's preview subject, since the id is known only after submit).
 */
async function runToEnd(name: string, sql: string, parallelism: number): Promise<{ job_id: string; rows: Row[] }> {
  const seen: Array<{ subject: string; row: Row }> = [];
  const sub = t.stack.nc.subscribe(`${t.prefix}.output.*`, { callback: (_e, m) => void seen.push({ subject: m.subject, row: m.json<Row>() }) });
  await t.stack.nc.flush();
  try {
    const { job_id } = await t.client.submit({ name, query: sql, config: { parallelism } });
    await t.client.waitForState(job_id, ['Finished'], 60_000);
    await new Promise((r) => setTimeout(r, 300));
    return { job_id, rows: seen.filter((s) => s.subject === `${t.prefix}.output.${job_id}`).map((s) => s.row) };
  } finally {
    sub.unsubscribe();
  }
}

interface Case {
  name: string;
  expected: () => Row[];
  /** Output columns compared (engine names; the reference uses the same). */
  keys: string[];
}

const CASES: Case[] = [
  { name: 'q0', expected: () => ref.q0(events) as unknown as Row[], keys: ['auction', 'bidder', 'price', 'datetime'] },
  { name: 'q1', expected: () => ref.q1(events) as unknown as Row[], keys: ['auction', 'bidder', 'price', 'datetime'] },
  { name: 'q2', expected: () => ref.q2(events) as unknown as Row[], keys: ['auction', 'price'] },
  { name: 'q3', expected: () => ref.q3(events) as unknown as Row[], keys: ['name', 'city', 'state', 'id'] },
  { name: 'q5', expected: () => ref.q5(events) as unknown as Row[], keys: ['auction', 'num'] },
  { name: 'q7', expected: () => ref.q7(events) as unknown as Row[], keys: ['auction', 'price', 'bidder', 'datetime'] },
  { name: 'q8', expected: () => ref.q8(events) as unknown as Row[], keys: ['id', 'name', 'starttime'] },
];

describe('Nexmark queries against the reference', () => {
  for (const c of CASES) {
    for (const parallelism of [1, 2]) {
      it(`${c.name} at parallelism ${parallelism}`, async () => {
        const { job_id, rows } = await runToEnd(`${c.name}-p${parallelism}`, query(c.name), parallelism);
        const done = await t.client.get(job_id);
        expect(done.metrics.events_processed).toBe(COUNT);
        expect(done.metrics.late_records).toBe(0);
        const want = c.expected();
        expect(want.length).toBeGreaterThan(0);
        expect(normalize(rows, c.keys)).toEqual(normalize(want, c.keys));
      });
    }
  }

  for (const parallelism of [1, 2]) {
    it(`q4 (closing price per auction, averaged per category over the retracting changelog) at parallelism ${parallelism}`, async () => {
      const { rows } = await runToEnd(`q4-p${parallelism}`, query('q4'), parallelism);
      // Replay the changelog: each retraction must take back the category's current row exactly.
      const table = new Map<unknown, Row>();
      let retractions = 0;
      for (const r of rows) {
        const { _op, ...row } = r;
        if (_op === 'retract') {
          expect(table.get(r.category)).toEqual(row);
          table.delete(r.category);
          retractions++;
        } else {
          expect(table.has(r.category)).toBe(false);
          table.set(r.category, row);
        }
      }
      expect(retractions).toBeGreaterThan(0);
      const want = ref.q4(events, { window: null });
      expect(normalize([...table.values()], ['category', 'avg_price'])).toEqual(normalize(want as unknown as Row[], ['category', 'avg_price']));
    });
  }
});
