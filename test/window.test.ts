import { describe, expect, it } from 'vitest';
import { windowAggregateOperator, windowAggregateSchema, type WindowAggregateSpec } from '../src/operators/window/window-aggregate.js';
import type { Schema, WindowSpec } from '../src/types.js';
import { batchOf, rowsOf } from './helpers/batches.js';
import { rng } from './helpers/random.js';

const SCHEMA: Schema = {
  fields: [
    { name: 'user', type: 'utf8' },
    { name: 'region', type: 'int32' },
    { name: 'id', type: 'int64' },
    { name: 'amount', type: 'float64' },
    { name: 'name', type: 'utf8' },
    { name: 'ts', type: 'timestamp' },
  ],
};

type Row = Record<string, unknown>;
type Event = { rows: Row[] } | { watermark: number };

const AGGS = [
  'count(*) AS n', 'count(amount) AS c', 'count(DISTINCT name) AS names', 'sum(amount) AS total', 'min(amount) AS lo',
  'max(amount) AS hi', 'avg(amount) AS mean', 'min(name) AS first', 'max(ts) AS last_ts', 'sum(id) AS ids',
];


const spec = (window: WindowSpec, groupBy: string[], aggregates = AGGS): WindowAggregateSpec => ({
  kind: 'window_aggregate', window, time_column: 'ts', group_by: groupBy, aggregates,
});

/** Runs the operator over the events; output rows in emission order, and the late-row count. */
function drive(s: WindowAggregateSpec, events: Event[]): { rows: Row[]; late: number } {
  let late = 0;
  const op = windowAggregateOperator(s, SCHEMA, { subtaskIndex: 0, parallelism: 1, onLateRows: (n) => (late += n) });
  const rows: Row[] = [];
  for (const e of events) {
    if ('rows' in e) expect(op.process(batchOf(SCHEMA, e.rows))).toBeNull();
    else rows.push(...rowsOf(op.onWatermark(e.watermark)));
  }
  return { rows, late };
}

// ---- plain-JS reference: row at a time, objects and Maps -----------------------------------------

const utf8Compare = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Key order: nulls last, numbers by value, text by code point. */
function compareKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    const d = typeof x === 'string' ? utf8Compare(x, y as string) : (x as number) - (y as number);
    if (d !== 0) return d;
  }
  return 0;
}

class Acc {
  n = 0;
  c = 0;
  names = new Set<string>();
  total: number | null = null;
  lo: number | null = null;
  hi: number | null = null;
  first: string | null = null;
  lastTs: number | null = null;
  ids: number | null = null;

  add(r: Row): void {
    this.n++;
    const x = (r.amount ?? null) as number | null;
    if (x !== null) {
      this.c++;
      this.total = (this.total ?? 0) + x;
      if (this.lo === null || x < this.lo) this.lo = x;
      if (this.hi === null || x > this.hi) this.hi = x;
    }
    const name = (r.name ?? null) as string | null;
    if (name !== null) {
      this.names.add(name);
      if (this.first === null || utf8Compare(name, this.first) < 0) this.first = name;
    }
    if (this.lastTs === null || (r.ts as number) > this.lastTs) this.lastTs = r.ts as number;
    if (r.id != null) this.ids = (this.ids ?? 0) + Number(r.id);
  }

  merge(o: Acc): void {
    this.n += o.n;
    this.c += o.c;
    for (const x of o.names) this.names.add(x);
    if (o.total !== null) this.total = (this.total ?? 0) + o.total;
    if (o.lo !== null && (this.lo === null || o.lo < this.lo)) this.lo = o.lo;
    if (o.hi !== null && (this.hi === null || o.hi > this.hi)) this.hi = o.hi;
    if (o.first !== null && (this.first === null || utf8Compare(o.first, this.first) < 0)) this.first = o.first;
    if (o.lastTs !== null && (this.lastTs === null || o.lastTs > this.lastTs)) this.lastTs = o.lastTs;
    if (o.ids !== null) this.ids = (this.ids ?? 0) + o.ids;
  }

  row(groupBy: string[], key: unknown[], start: number, end: number): Row {
    return {
      ...Object.fromEntries(groupBy.map((k, i) => [k, key[i]])),
      window_start: start, window_end: end,
      n: this.n, c: this.c, names: this.names.size, total: this.total, lo: this.lo, hi: this.hi,
      mean: this.c > 0 ? this.total! / this.c : null, first: this.first, last_ts: this.lastTs, ids: this.ids,
    };
  }
}

interface RefWindow {
  key: unknown[];
  start: number;
  end: number;
  acc: Acc;
}

function keyOf(r: Row, groupBy: string[]): unknown[] {
  return groupBy.map((k) => (k === 'id' && r[k] != null ? Number(r[k]) : (r[k] ?? null)));
}

function emitClosed(open: RefWindow[], wm: number, groupBy: string[]): { rows: Row[]; rest: RefWindow[] } {
  const closed = open.filter((w) => w.end - 1 <= wm).sort((a, b) => a.end - b.end || compareKeys(a.key, b.key));
  return { rows: closed.map((w) => w.acc.row(groupBy, w.key, w.start, w.end)), rest: open.filter((w) => w.end - 1 > wm) };
}

/** Tumble/hop, streaming: a row goes to each of its windows not yet complete; late when none is open. */
function referenceFixed(window: WindowSpec, groupBy: string[], events: Event[]): { rows: Row[]; late: number } {
  const size = window.kind === 'hop' ? window.size_ms : window.kind === 'tumble' ? window.size_ms : 0;
  const slide = window.kind === 'hop' ? window.slide_ms : size;
  let open: RefWindow[] = [];
  let wm = -Infinity;
  let late = 0;
  const rows: Row[] = [];
  for (const e of events) {
    if ('watermark' in e) {
      if (e.watermark <= wm) continue;
      wm = e.watermark;
      const out = emitClosed(open, wm, groupBy);
      rows.push(...out.rows);
      open = out.rest;
      continue;
    }
    for (const r of e.rows) {
      if (r.ts === null || r.ts === undefined) continue;
      const t = r.ts as number;
      const key = keyOf(r, groupBy);
      let taken = 0;
      for (let start = Math.floor(t / slide) * slide; start + size > t; start -= slide) {
        if (start + size - 1 <= wm) continue;
        taken++;
        let w = open.find((o) => o.start === start && o.key.every((k, i) => k === key[i]));
        if (!w) open.push((w = { key, start, end: start + size, acc: new Acc() }));
        w.acc.add(r);
      }
      if (taken === 0) late++;
    }
  }
  return { rows, late };
}

/** Sessions, streaming: a row joins (and merges) every session of its key within the gap. */
function referenceSession(gap: number, groupBy: string[], events: Event[]): { rows: Row[]; late: number } {
  let open: RefWindow[] = [];
  let wm = -Infinity;
  let late = 0;
  const rows: Row[] = [];
  for (const e of events) {
    if ('watermark' in e) {
      if (e.watermark <= wm) continue;
      wm = e.watermark;
      const out = emitClosed(open, wm, groupBy);
      rows.push(...out.rows);
      open = out.rest;
      continue;
    }
    for (const r of e.rows) {
      if (r.ts === null || r.ts === undefined) continue;
      const t = r.ts as number;
      const key = keyOf(r, groupBy);
      const mine = open.filter((o) => o.key.every((k, i) => k === key[i]) && t < o.end && o.start < t + gap);
      if (mine.length === 0 && t + gap - 1 <= wm) {
        late++;
        continue;
      }
      const s: RefWindow = { key, start: t, end: t + gap, acc: new Acc() };
      for (const o of mine) {
        s.start = Math.min(s.start, o.start);
        s.end = Math.max(s.end, o.end);
        s.acc.merge(o.acc);
      }
      s.acc.add(r);
      open = [...open.filter((o) => !mine.includes(o)), s];
    }
  }
  return { rows, late };
}

// ---- random streams -------------------------------------------------------------------------------

const NAMES = ['ann', 'bob', 'Zoë', 'émile', 'ｚed', '😀x', ''];
const T0 = 1_700_000_000_000;

/**
 * Rows whose event time trails a rising clock by up to `delay` ms, in random batches, with
 * watermarks (clock − delay − 1, so no row is ever late) after random batches, then a final
 * watermark that closes everything.
 */
function randomStream(seed: number, opts: { delay: number; step: number; batches: number; keys: number }): Event[] {
  const next = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
  let clock = T0 + Math.floor(next() * 10_000);
  const events: Event[] = [];
  for (let b = 0; b < opts.batches; b++) {
    const rows: Row[] = [];
    const n = 1 + Math.floor(next() * 60);
    for (let i = 0; i < n; i++) {
      clock += Math.floor(next() * opts.step);
      rows.push({
        user: next() < 0.1 ? null : `u${Math.floor(next() * opts.keys)}`,
        region: next() < 0.1 ? null : Math.floor(next() * 3),
        id: next() < 0.1 ? null : Math.floor(next() * 5) - 2,
        amount: next() < 0.2 ? null : Math.floor(next() * 2000) - 500,
        name: next() < 0.2 ? null : pick(NAMES),
        ts: clock - Math.floor(next() * opts.delay),
      });
    }
    events.push({ rows });
    if (next() < 0.4) events.push({ watermark: clock - opts.delay - 1 });
  }
  events.push({ watermark: Number.MAX_SAFE_INTEGER });
  return events;
}

/** The same rows, grouped offline (no streaming at all): every window each row falls in. */
function offlineFixed(window: WindowSpec, groupBy: string[], events: Event[]): Row[] {
  const size = window.kind === 'session' ? 0 : window.size_ms;
  const slide = window.kind === 'hop' ? window.slide_ms : size;
  const groups = new Map<string, RefWindow>();
  for (const e of events) {
    if (!('rows' in e)) continue;
    for (const r of e.rows) {
      const t = r.ts as number;
      const key = keyOf(r, groupBy);
      const first = Math.floor((t - size) / slide) + 1;
      for (let k = first; k * slide <= t; k++) {
        const id = JSON.stringify([k, key]);
        let w = groups.get(id);
        if (!w) groups.set(id, (w = { key, start: k * slide, end: k * slide + size, acc: new Acc() }));
        w.acc.add(r);
      }
    }
  }
  return sortRows([...groups.values()], groupBy);
}

/** Sessions offline: each key's rows by time, cut where two are gap_ms or more apart. */
function offlineSession(gap: number, groupBy: string[], events: Event[]): Row[] {
  const byKey = new Map<string, Row[]>();
  for (const e of events) if ('rows' in e) for (const r of e.rows) {
    const id = JSON.stringify(keyOf(r, groupBy));
    byKey.set(id, [...(byKey.get(id) ?? []), r]);
  }
  const out: RefWindow[] = [];
  for (const rows of byKey.values()) {
    rows.sort((a, b) => (a.ts as number) - (b.ts as number));
    let cur: RefWindow | null = null;
    for (const r of rows) {
      const t = r.ts as number;
      if (!cur || t - (cur.end - gap) >= gap) out.push((cur = { key: keyOf(r, groupBy), start: t, end: t + gap, acc: new Acc() }));
      cur.end = t + gap;
      cur.acc.add(r);
    }
  }
  return sortRows(out, groupBy);
}

/** A reference result cut down to the columns a test asked for. */
function only(result: { rows: Row[]; late: number }, names: string[]): { rows: Row[]; late: number } {
  return { ...result, rows: result.rows.map((r) => Object.fromEntries(names.map((k) => [k, r[k]]))) };
}

function sortRows(ws: RefWindow[], groupBy: string[]): Row[] {
  return ws.sort((a, b) => a.end - b.end || compareKeys(a.key, b.key) || a.start - b.start).map((w) => w.acc.row(groupBy, w.key, w.start, w.end));
}

// ---- tests ------------------------------------------------------------------------------------------

const FIXED: [string, WindowSpec][] = [
  ['tumble 1 s', { kind: 'tumble', size_ms: 1000 }],
  ['hop 2 s / 10 s', { kind: 'hop', slide_ms: 2000, size_ms: 10_000 }],
  ['hop 3 s / 10 s (size not a multiple of slide)', { kind: 'hop', slide_ms: 3000, size_ms: 10_000 }],
  ['hop = tumble (slide = size)', { kind: 'hop', slide_ms: 700, size_ms: 700 }],
];
const GROUPINGS = [['user'], ['region', 'user'], [], ['id']];

describe('window_aggregate: tumble and hop', () => {
  for (const [title, window] of FIXED) {
    for (const groupBy of GROUPINGS) {
      it(`${title}, group by [${groupBy.join(', ')}]: matches the streaming reference and the offline grouping`, () => {
        const events = randomStream(groupBy.length * 31 + title.length, { delay: 1500, step: 40, batches: 80, keys: 9 });
        const got = drive(spec(window, groupBy), events);
        expect(got.rows.length).toBeGreaterThan(10);
        expect(got).toEqual(referenceFixed(window, groupBy, events));
        expect(got.late).toBe(0);
        expect(got.rows).toEqual(offlineFixed(window, groupBy, events));
      });
    }
  }

  it('takes a batch spread over more windows than its dense pair table holds', () => {
    const next = rng(17);
    const rows: Row[] = Array.from({ length: 3000 }, () => ({ user: `u${Math.floor(next() * 400)}`, amount: 1, ts: T0 + Math.floor(next() * 400_000) }));
    for (const window of [{ kind: 'tumble', size_ms: 1 }, { kind: 'hop', slide_ms: 1, size_ms: 3 }] as const) {
      const events: Event[] = [{ rows }, { watermark: T0 + 1_000_000 }];
      const got = drive(spec(window, ['user'], ['count(*) AS n', 'sum(amount) AS total']), events);
      expect(got.rows).toEqual(only({ rows: offlineFixed(window, ['user'], events), late: 0 }, ['user', 'window_start', 'window_end', 'n', 'total']).rows);
    }
  });

  it('emits a window exactly when the watermark reaches end - 1, rows ordered by window end then key', () => {
    const s = spec({ kind: 'tumble', size_ms: 10 }, ['user'], ['count(*) AS n']);
    const op = windowAggregateOperator(s, SCHEMA, { subtaskIndex: 0, parallelism: 1 });
    op.process(batchOf(SCHEMA, [
      { user: 'b', ts: 0 }, { user: 'a', ts: 9 }, { user: null, ts: 5 }, { user: 'b', ts: 10 }, { user: 'é', ts: 3 }, { user: 'Z', ts: 19 }, { user: 'a', ts: 20 },
    ]));
    expect(op.onWatermark(7)).toBeNull();
    expect(rowsOf(op.onWatermark(8))).toEqual([]);
    expect(rowsOf(op.onWatermark(9))).toEqual([
      { user: 'a', window_start: 0, window_end: 10, n: 1 },
      { user: 'b', window_start: 0, window_end: 10, n: 1 },
      { user: 'é', window_start: 0, window_end: 10, n: 1 },
      { user: null, window_start: 0, window_end: 10, n: 1 },
    ]);
    expect(op.onWatermark(9)).toBeNull();
    expect(rowsOf(op.onWatermark(29))).toEqual([
      { user: 'Z', window_start: 10, window_end: 20, n: 1 },
      { user: 'b', window_start: 10, window_end: 20, n: 1 },
      { user: 'a', window_start: 20, window_end: 30, n: 1 },
    ]);
    expect(op.openKeys).toBe(0);
  });

  it('aligns windows to epoch 0, before it too', () => {
    const s = spec({ kind: 'hop', slide_ms: 5, size_ms: 10 }, [], ['count(*) AS n', 'min(ts) AS lo']);
    const { rows } = drive(s, [{ rows: [{ ts: -1 }, { ts: 0 }, { ts: 4 }, { ts: 5 }, { ts: 9 }, { ts: 10 }] }, { watermark: 100 }]);
    expect(rows).toEqual([
      { window_start: -10, window_end: 0, n: 1, lo: -1 },
      { window_start: -5, window_end: 5, n: 3, lo: -1 },
      { window_start: 0, window_end: 10, n: 4, lo: 0 },
      { window_start: 5, window_end: 15, n: 3, lo: 5 },
      { window_start: 10, window_end: 20, n: 1, lo: 10 },
    ]);
  });

  it('drops and counts late rows; a hop row late for some windows still counts in the open ones', () => {
    const s = spec({ kind: 'hop', slide_ms: 10, size_ms: 30 }, ['user'], ['count(*) AS n']);
    const events: Event[] = [
      { rows: [{ user: 'a', ts: 25 }] },
      { watermark: 29 }, // closes [0, 30)
      // 5: windows [-20,10), [-10,20), [0,30) all closed → late. 15: [0,30) closed, [10,40) open.
      { rows: [{ user: 'a', ts: 5 }, { user: 'a', ts: 15 }, { user: 'b', ts: 9 }, { user: 'a', ts: 31 }, { user: 'c', ts: null }] },
      { watermark: 1000 },
    ];
    const got = drive(s, events);
    expect(got.late).toBe(2);
    expect(got).toEqual(only(referenceFixed(s.window, ['user'], events), ['user', 'window_start', 'window_end', 'n']));
    expect(got.rows).toEqual([
      { user: 'a', window_start: 0, window_end: 30, n: 1 },
      { user: 'a', window_start: 10, window_end: 40, n: 3 },
      { user: 'a', window_start: 20, window_end: 50, n: 2 },
      { user: 'a', window_start: 30, window_end: 60, n: 1 },
    ]);
  });

  it('matches the streaming reference when many rows come late (watermarks ahead of the data)', () => {
    for (const window of [FIXED[0]![1], { kind: 'hop', slide_ms: 500, size_ms: 1000 } as const]) {
      // Watermarks 1 s behind the clock while rows trail it by up to 3 s.
      const events = randomStream(99, { delay: 3000, step: 40, batches: 80, keys: 5 }).map((e) =>
        'watermark' in e && e.watermark < Number.MAX_SAFE_INTEGER ? { watermark: e.watermark + 2000 } : e,
      );
      const got = drive(spec(window, ['user']), events);
      expect(got.late).toBeGreaterThan(10);
      expect(got).toEqual(referenceFixed(window, ['user'], events));
    }
  });
});

describe('window_aggregate: sessions', () => {
  for (const groupBy of GROUPINGS) {
    it(`group by [${groupBy.join(', ')}]: matches the streaming reference and the offline sessions`, () => {
      const events = randomStream(7 + groupBy.length, { delay: 800, step: 120, batches: 80, keys: 6 });
      const got = drive(spec({ kind: 'session', gap_ms: 500 }, groupBy), events);
      expect(got.rows.length).toBeGreaterThan(groupBy.length === 0 ? 0 : 5);
      expect(got).toEqual(referenceSession(500, groupBy, events));
      expect(got.late).toBe(0);
      expect(got.rows).toEqual(offlineSession(500, groupBy, events));
    });
  }

  it('merges two sessions when a row bridges them, and closes at last + gap - 1', () => {
    const s = spec({ kind: 'session', gap_ms: 10 }, ['user'], ['count(*) AS n', 'sum(amount) AS total', 'count(DISTINCT name) AS names']);
    const op = windowAggregateOperator(s, SCHEMA, { subtaskIndex: 0, parallelism: 1 });
    op.process(batchOf(SCHEMA, [{ user: 'a', ts: 100, amount: 1, name: 'x' }, { user: 'a', ts: 125, amount: 2, name: 'y' }, { user: 'b', ts: 112, amount: 4, name: 'x' }]));
    expect(op.openGroups).toBe(3);
    // 116 joins [125, 135) (116 + 10 > 125); 105 joins [100, 110) and does not reach [116, 135).
    op.process(batchOf(SCHEMA, [{ user: 'a', ts: 116, amount: 8, name: 'x' }, { user: 'a', ts: 105, amount: 16, name: 'x' }]));
    expect(op.openGroups).toBe(3);
    // 112 bridges [100, 115) and [116, 135).
    op.process(batchOf(SCHEMA, [{ user: 'a', ts: 112, amount: 32, name: 'z' }]));
    expect(op.openGroups).toBe(2);
    expect(rowsOf(op.onWatermark(120))).toEqual([]);
    expect(rowsOf(op.onWatermark(121))).toEqual([{ user: 'b', window_start: 112, window_end: 122, n: 1, total: 4, names: 1 }]);
    expect(rowsOf(op.onWatermark(134))).toEqual([{ user: 'a', window_start: 100, window_end: 135, n: 5, total: 59, names: 3 }]);
    expect(op.openKeys).toBe(0);
  });

  it('merges sessions within one batch, rows before and after the bridge alike', () => {
    const events: Event[] = [
      { rows: [{ user: 'a', ts: 0, amount: 1 }, { user: 'a', ts: 50, amount: 2 }, { user: 'a', ts: 100, amount: 4 }, { user: 'a', ts: 25, amount: 8 }, { user: 'a', ts: 75, amount: 16 }, { user: 'a', ts: 1, amount: 32 }] },
      { watermark: 1000 },
    ];
    const got = drive(spec({ kind: 'session', gap_ms: 30 }, ['user']), events);
    expect(got.rows.map((r) => [r.window_start, r.window_end, r.n, r.total])).toEqual([[0, 130, 6, 63]]);
    expect(got).toEqual(referenceSession(30, ['user'], events));
  });

  it('drops and counts late rows, but takes a row that extends an open session backwards', () => {
    const events: Event[] = [
      { rows: [{ user: 'a', ts: 100 }, { user: 'b', ts: 50 }] },
      { watermark: 95 },
      // a@92: [92, 102) overlaps a's open [100, 110): joins. c@80: [80, 90) complete: late. b@45: b's
      // session [50, 60) closed at 95 and [45, 55) is complete: late.
      { rows: [{ user: 'a', ts: 92 }, { user: 'c', ts: 80 }, { user: 'b', ts: 45 }] },
      { watermark: 200 },
    ];
    const got = drive(spec({ kind: 'session', gap_ms: 10 }, ['user'], ['count(*) AS n']), events);
    expect(got.late).toBe(2);
    expect(got.rows).toEqual([
      { user: 'b', window_start: 50, window_end: 60, n: 1 },
      { user: 'a', window_start: 92, window_end: 110, n: 2 },
    ]);
    expect(got).toEqual(only(referenceSession(10, ['user'], events), ['user', 'window_start', 'window_end', 'n']));
  });

  it('matches the streaming reference when many rows come late', () => {
    const events = randomStream(5, { delay: 2000, step: 120, batches: 80, keys: 4 }).map((e) =>
      'watermark' in e && e.watermark < Number.MAX_SAFE_INTEGER ? { watermark: e.watermark + 1500 } : e,
    );
    const got = drive(spec({ kind: 'session', gap_ms: 400 }, ['user']), events);
    expect(got.late).toBeGreaterThan(10);
    expect(got).toEqual(referenceSession(400, ['user'], events));
  });
});

describe('window_aggregate: schema', () => {
  it('is group_by, window_start, window_end (non-null timestamps), then the aggregates as the aggregate types them', () => {
    const schema = windowAggregateSchema(spec({ kind: 'tumble', size_ms: 5 }, ['user', 'region'], ['count(*)', 'count(DISTINCT name) AS d', 'sum(id) AS s', 'avg(region) AS a', 'max(name) AS m', 'min(ts) AS t']), SCHEMA);
    expect(schema.fields).toEqual([
      { name: 'user', type: 'utf8', nullable: true },
      { name: 'region', type: 'int32', nullable: true },
      { name: 'window_start', type: 'timestamp', nullable: false },
      { name: 'window_end', type: 'timestamp', nullable: false },
      { name: 'count', type: 'int64', nullable: false },
      { name: 'd', type: 'int64', nullable: false },
      { name: 's', type: 'int64', nullable: true },
      { name: 'a', type: 'float64', nullable: true },
      { name: 'm', type: 'utf8', nullable: true },
      { name: 't', type: 'timestamp', nullable: true },
    ]);
    const op = windowAggregateOperator(spec({ kind: 'tumble', size_ms: 5 }, ['user'], ['count(*)']), SCHEMA, { subtaskIndex: 0, parallelism: 1 });
    op.process(batchOf(SCHEMA, [{ user: 'x', ts: 1 }]));
    const out = op.onWatermark(10)!;
    expect(out.schema.fields.map((f) => String(f.type))).toEqual(['Utf8', 'Timestamp<MILLISECOND>', 'Timestamp<MILLISECOND>', 'Int64']);
  });

  it('reports every problem with its field', () => {
    const bad: WindowAggregateSpec = {
      kind: 'window_aggregate', window: { kind: 'hop', slide_ms: 20, size_ms: 10 }, time_column: 'amount',
      group_by: ['nope', 'window_start'], aggregates: ['sum(name)', 'count(*) AS n', 'max(id) AS n', 'sum(DISTINCT id)'],
    };
    try {
      windowAggregateSchema(bad, SCHEMA, 'transformations[0].config');
      expect.unreachable();
    } catch (err) {
      const fields = (err as { details: { field: string }[] }).details.map((d) => d.field);
      expect(fields).toEqual([
        'transformations[0].config.window.slide_ms', 'transformations[0].config.time_column', 'transformations[0].config.group_by[0]',
        'transformations[0].config.group_by[1]', 'transformations[0].config.aggregates[0]', 'transformations[0].config.aggregates[2]',
        'transformations[0].config.aggregates[3]',
      ]);
    }
    expect(() => windowAggregateSchema(spec({ kind: 'session', gap_ms: 0 }, []), SCHEMA)).toThrow(/gap_ms must be a positive/);
    expect(() => windowAggregateSchema(spec({ kind: 'tumble', size_ms: 1.5 }, []), SCHEMA)).toThrow(/size_ms/);
  });
});
