// Golden-output SQL cases, run end to end: every test/sql/golden/<name>.sql is submitted to a real
// stack (controller + 2 worker processes) as `{name, query, config}`, reads small bounded JSON-lines
// files from test/sql/golden/data/ (`$DATA/x.jsonl` in the query becomes the real path), runs to
// Finished (a json_file or counted impulse source ends; event time then jumps to the end, so every
// window closes), and its preview output (`<prefix>.output.<job_id>`) is compared with
// <name>.expected.jsonl, one JSON object per row.
//
// Comparison: a multiset of rows (order-insensitive); numbers equal within 1e-9 relative; RFC 3339
// timestamps compared as instants (so "…T10:00:00Z" matches "…T10:00:00.000Z"); a missing key
// counts as null. Every expected file must be derivable by hand from its small input: each case
// says how in its `-- expected:` header line.
//
// Header lines of a case (SQL comments):
//   -- expected: <how the expected rows follow from the input>    required
//   -- parallelism: 1,2      run once per parallelism listed (default 1)
//   -- config: {"batch_size": 4, "linger_ms": 1000}   merged into the job config (parallelism is
//                            set per run). Cases that rely on batch boundaries (late rows, exact
//                            changelogs) set batch_size and a long linger_ms, so a source batch is
//                            cut only by its size or by the end of the file.
//   -- late_records: <n>     the finished job's `late_records` metric must be n
//   -- changelog: exact | final
//        For output with `_op` (updating aggregates): `exact` compares the changelog rows
//        themselves, `final` applies the changelog (append adds a row, retract removes an equal
//        row, which must be there) and compares the resulting state, with the expected file
//        folded the same way. Default: exact at parallelism 1 (where batch boundaries are fixed by
//        the input lines and `batch_size`), final at higher parallelism (rows of several source
//        subtasks interleave in an arbitrary order there).
//   -- skip: <reason> / -- fails: <reason>    known engine bug: the case is skipped / must fail

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Subscription } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects } from '../src/wire.js';
import { useTestStack } from './helpers/stack.js';

const DIR = new URL('./sql/golden/', import.meta.url);
const DATA = fileURLToPath(new URL('./data', DIR));
const files = readdirSync(DIR).filter((f) => f.endsWith('.sql')).sort();

type Row = Record<string, unknown>;

interface GoldenCase {
  name: string;
  query: string;
  expected: Row[];
  how: string | undefined;
  parallelisms: number[];
  config: Record<string, unknown>;
  lateRecords: number | undefined;
  changelog: 'exact' | 'final' | undefined;
  skip: string | undefined;
  fails: string | undefined;
}

function load(file: string): GoldenCase {
  const name = file.replace(/\.sql$/, '');
  const text = readFileSync(new URL(file, DIR), 'utf8');
  const c: GoldenCase = {
    name,
    query: text.replaceAll('$DATA', DATA),
    expected: readJsonLines(new URL(`${name}.expected.jsonl`, DIR)),
    how: undefined,
    parallelisms: [1],
    config: {},
    lateRecords: undefined,
    changelog: undefined,
    skip: undefined,
    fails: undefined,
  };
  for (const raw of text.split('\n')) {
    const m = /^--\s*(expected|parallelism|config|late_records|changelog|skip|fails):\s*(.*)$/.exec(raw.trim());
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'expected') c.how = value;
    else if (key === 'parallelism') c.parallelisms = value.split(',').map((s) => Number(s.trim()));
    else if (key === 'config') c.config = JSON.parse(value) as Record<string, unknown>;
    else if (key === 'late_records') c.lateRecords = Number(value);
    else if (key === 'changelog') c.changelog = value === 'final' ? 'final' : 'exact';
    else if (key === 'skip') c.skip = value;
    else c.fails = value;
  }
  return c;
}

function readJsonLines(url: URL): Row[] {
  return readFileSync(url, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l, i) => {
      try {
        return JSON.parse(l) as Row;
      } catch (err) {
        throw new Error(`${fileURLToPath(url)}:${i + 1}: ${(err as Error).message}`);
      }
    });
}

// ---------------------------------------------------------------------------------------------
// Comparison

const ISO = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)$/;

/** A value as compared: timestamps as their instant, everything else as is. */
function norm(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'string' && ISO.test(v)) {
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return `@${new Date(ms).toISOString()}`;
  }
  return v;
}

function sameValue(a: unknown, b: unknown): boolean {
  const x = norm(a);
  const y = norm(b);
  if (typeof x === 'number' && typeof y === 'number') {
    if (Object.is(x, y) || x === y) return true;
    return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
  }
  if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') return JSON.stringify(x) === JSON.stringify(y);
  return x === y;
}

function sameRow(a: Row, b: Row): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!sameValue(a[k], b[k])) return false;
  return true;
}

/** Rows of `want` with no partner in `got` and rows of `got` left over (greedy matching). */
function multisetDiff(want: Row[], got: Row[]): { missing: Row[]; unexpected: Row[] } {
  const left = [...got];
  const missing: Row[] = [];
  for (const w of want) {
    const i = left.findIndex((g) => sameRow(w, g));
    if (i === -1) missing.push(w);
    else left.splice(i, 1);
  }
  return { missing, unexpected: left };
}

/** Applies a changelog: append adds the row (without `_op`), retract removes an equal one. */
function fold(rows: Row[], what: string): Row[] {
  const state: Row[] = [];
  for (const row of rows) {
    const { _op: op, ...values } = row;
    if (op === 'append') state.push(values);
    else if (op === 'retract') {
      const i = state.findIndex((s) => sameRow(s, values));
      if (i === -1) throw new Error(`${what}: retract of a row that is not in the state: ${JSON.stringify(row)}`);
      state.splice(i, 1);
    } else throw new Error(`${what}: row without a valid _op: ${JSON.stringify(row)}`);
  }
  return state;
}

function compare(c: GoldenCase, parallelism: number, got: Row[]): void {
  const updating = c.expected.some((r) => '_op' in r) || got.some((r) => '_op' in r);
  const mode = c.changelog ?? (parallelism === 1 ? 'exact' : 'final');
  let want = c.expected;
  let have = got;
  if (updating) {
    // Either way the output must be a well-formed changelog.
    const state = fold(got, 'output');
    if (mode === 'final') {
      want = fold(c.expected, 'expected file');
      have = state;
    }
  }
  const { missing, unexpected } = multisetDiff(want, have);
  if (missing.length > 0 || unexpected.length > 0) {
    const lines = (rows: Row[]) => rows.map((r) => `    ${JSON.stringify(r)}`).join('\n');
    throw new Error(
      `${c.name} at parallelism ${parallelism} (${updating ? `changelog compared ${mode}` : 'rows'}): ${have.length} rows, ${want.length} expected\n` +
        `  expected but missing (${missing.length}):\n${lines(missing)}\n` +
        `  not expected (${unexpected.length}):\n${lines(unexpected)}\n` +
        `  all output:\n${lines(got)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The harness checks itself: cheap, no stack involved.

describe('golden comparison', () => {
  it('matches multisets with tolerance, instants and missing-as-null; folds changelogs', () => {
    expect(multisetDiff([{ a: 1 }, { a: 1 }, { b: 0.1 + 0.2 }], [{ b: 0.3 }, { a: 1 }, { a: 1 }])).toEqual({ missing: [], unexpected: [] });
    expect(multisetDiff([{ a: 1 }, { a: 1 }], [{ a: 1 }]).missing).toEqual([{ a: 1 }]);
    expect(sameRow({ t: '2024-03-01T10:00:00Z', x: null }, { t: '2024-03-01T10:00:00.000Z' })).toBe(true);
    expect(sameRow({ t: '2024-03-01T10:00:00Z' }, { t: '2024-03-01T10:00:01Z' })).toBe(false);
    expect(sameRow({ x: 1 }, { x: 1.000001 })).toBe(false);
    expect(sameRow({ x: '1' }, { x: 1 })).toBe(false);
    const log = [
      { k: 'a', n: 1, _op: 'append' },
      { k: 'a', n: 1, _op: 'retract' },
      { k: 'a', n: 2, _op: 'append' },
    ];
    expect(fold(log, 'x')).toEqual([{ k: 'a', n: 2 }]);
    expect(() => fold([{ k: 'a', _op: 'retract' }], 'x')).toThrow(/not in the state/);
  });
});

// ---------------------------------------------------------------------------------------------

const cases = files.map(load);
const t = useTestStack({ workers: 2 });

/** Preview output of every job of this file, by job id (subscribed before any submit). */
const outputs = new Map<string, Row[]>();
let sub: Subscription | undefined;
beforeAll(async () => {
  const prefix = `${subjects(t.prefix).output('')}`;
  sub = t.stack.nc.subscribe(`${prefix}*`, {
    callback: (_e, msg) => {
      const jobId = msg.subject.slice(prefix.length);
      let rows = outputs.get(jobId);
      if (!rows) outputs.set(jobId, (rows = []));
      rows.push(msg.json<Row>());
    },
  });
  await t.stack.nc.flush();
});
afterAll(() => sub?.unsubscribe());

async function run(c: GoldenCase, parallelism: number): Promise<void> {
  const submitted = await t.client.submit({ name: `golden ${c.name} p${parallelism}`, query: c.query, config: { ...c.config, parallelism } });
  const done = await t.client.waitForState(submitted.job_id, ['Finished'], 30_000);
  expect(done.metrics.deserialization_errors, 'input lines that did not decode').toBe(0);
  if (c.lateRecords !== undefined) expect(done.metrics.late_records, 'late_records').toBe(c.lateRecords);
  // Output published before the job finished may still be on its way to us: compare until it
  // matches (or 3 s passed), then once more a little later, so a straggler still fails the case.
  await t.stack.nc.flush();
  const rows = () => [...(outputs.get(submitted.job_id) ?? [])];
  const deadline = Date.now() + 3000;
  for (;;) {
    try {
      compare(c, parallelism, rows());
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  await new Promise((r) => setTimeout(r, 150));
  compare(c, parallelism, rows());
}

describe('test/sql/golden/*.sql end to end', () => {
  it('has the cases, each saying how its expected output is derived', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
    for (const c of cases) expect(c.how, `${c.name}: -- expected: header`).toBeTruthy();
  });

  for (const c of cases) {
    for (const p of c.parallelisms) {
      const title = `${c.name} (parallelism ${p})`;
      if (c.skip) it.skip(`${title} — ${c.skip}`, () => {});
      else if (c.fails) it.fails(`${title} — known bug: ${c.fails}`, () => run(c, p));
      else it(title, () => run(c, p));
    }
  }
});
