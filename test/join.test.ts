// The windowed join against a plain-JS nested-loop reference: random keys (some null, int32 on
// the left against int64 on the right), out-of-order times, watermarks and late rows, for every
// join type over tumble and hop windows; the same run split over subtasks by key group and
// rescaled mid-stream through a msgpack'd snapshot; the output schema; and the chain wiring.

import type * as arrow from 'apache-arrow';
import { pack, unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { JsonBatchBuilder, hashKeys, takeRows } from '../src/dataflow/arrow/index.js';
import { buildChain } from '../src/operators/chain.js';
import { joinOperator, joinOutputSchema, type JoinSpec } from '../src/operators/join/index.js';
import type { BatchOperator, KeyedSnapshot } from '../src/operators/types.js';
import { partitionByKeyGroup } from '../src/state/key-groups.js';
import type { JoinType, PhysicalTask, Schema, WindowSpec } from '../src/types.js';
import { tuplesOf } from './helpers/batches.js';
import { rng } from './helpers/random.js';

const LEFT: Schema = {
  fields: [
    { name: 'k', type: 'int32' },
    { name: 't', type: 'timestamp' },
    { name: 'name', type: 'utf8' },
    { name: 'lid', type: 'int64', nullable: false },
  ],
};
const RIGHT: Schema = {
  fields: [
    { name: 'rk', type: 'int64' },
    { name: 'rt', type: 'timestamp' },
    { name: 'price', type: 'float64' },
    { name: 'rid', type: 'int64', nullable: false },
  ],
};
const NAMES = ['k', 't', 'name', 'lid', 'rk', 'rt', 'price', 'rid'];

interface Row {
  key: number | null;
  t: number | null;
  text: string | null;
  id: number;
}
type Step = { kind: 'rows'; side: 0 | 1; rows: Row[] } | { kind: 'watermark'; at: number };
type OutRow = unknown[];


/** Batches on random sides around a moving clock (jitter beyond the watermark delay: some rows are late). */
function randomSteps(seed: number, count: number): Step[] {
  const next = rng(seed);
  const steps: Step[] = [];
  let clock = 1_000_000;
  let id = 0;
  let watermark = -Infinity;
  for (let s = 0; s < count; s++) {
    clock += Math.floor(next() * 40);
    if (next() < 0.25) {
      const at = clock - 60;
      if (at > watermark) steps.push({ kind: 'watermark', at: (watermark = at) });
      continue;
    }
    const side = next() < 0.5 ? 0 : 1;
    const rows = Array.from({ length: 1 + Math.floor(next() * 25) }, (): Row => ({
      key: next() < 0.06 ? null : Math.floor(next() * 6),
      t: next() < 0.03 ? null : clock - Math.floor(next() * 150),
      text: next() < 0.1 ? null : `v${Math.floor(next() * 1000)}`,
      id: id++,
    }));
    steps.push({ kind: 'rows', side, rows });
  }
  steps.push({ kind: 'watermark', at: clock + 10_000 });
  return steps;
}

function toBatch(side: 0 | 1, rows: Row[]): arrow.RecordBatch {
  const b = new JsonBatchBuilder(side === 0 ? LEFT : RIGHT, rows.length);
  for (const r of rows) {
    b.appendObject(side === 0 ? { k: r.key, t: r.t, name: r.text, lid: r.id } : { rk: r.key, rt: r.t, price: r.text === null ? null : Number(r.text.slice(1)) / 4, rid: r.id });
  }
  return b.finish();
}

/** A row as its output columns (the side's four, or four nulls for a missing side). */
function cells(side: 0 | 1, r: Row | null): OutRow {
  if (!r) return [null, null, null, null];
  return side === 0 ? [r.key, r.t, r.text, r.id] : [r.key, r.t, r.text === null ? null : Number(r.text.slice(1)) / 4, r.id];
}

/** Reference: windows as plain lists, joined by nested loops when the watermark completes them. */
class ReferenceJoin {
  private watermark = -Infinity;
  private readonly windows = new Map<number, [Row[], Row[]]>();
  late = 0;

  constructor(
    private readonly type: JoinType,
    private readonly window: Exclude<WindowSpec, { kind: 'session' }>,
  ) {}

  private starts(t: number): number[] {
    const size = this.window.size_ms;
    const slide = this.window.kind === 'hop' ? this.window.slide_ms : size;
    const out: number[] = [];
    for (let s = Math.floor(t / slide) * slide; s > t - size; s -= slide) out.push(s);
    return out;
  }

  add(side: 0 | 1, rows: Row[]): void {
    for (const r of rows) {
      if (r.t === null) continue;
      const starts = this.starts(r.t);
      const open = starts.filter((s) => s + this.window.size_ms - 1 > this.watermark);
      if (open.length === 0 && starts.length > 0) this.late++;
      for (const s of open) {
        if (!this.windows.has(s)) this.windows.set(s, [[], []]);
        this.windows.get(s)![side].push(r);
      }
    }
  }

  advance(w: number): OutRow[] {
    if (w <= this.watermark) return [];
    this.watermark = w;
    const out: OutRow[] = [];
    for (const [start, [left, right]] of this.windows) {
      if (start + this.window.size_ms - 1 > w) continue;
      this.windows.delete(start);
      const matchedRight = new Set<Row>();
      for (const l of left) {
        const partners = right.filter((r) => l.key !== null && r.key !== null && l.key === r.key);
        for (const r of partners) {
          out.push([...cells(0, l), ...cells(1, r)]);
          matchedRight.add(r);
        }
        if (partners.length === 0 && (this.type === 'left' || this.type === 'full')) out.push([...cells(0, l), ...cells(1, null)]);
      }
      if (this.type === 'right' || this.type === 'full') {
        for (const r of right) if (!matchedRight.has(r)) out.push([...cells(0, null), ...cells(1, r)]);
      }
    }
    return out;
  }
}

const sorted = (rows: OutRow[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

function spec(type: JoinType, window: WindowSpec): JoinSpec {
  return { kind: 'join', join_type: type, left_keys: ['k'], right_keys: ['rk'], window, time_columns: ['t', 'rt'], output_names: NAMES };
}

/** Subtasks of one join, fed as the shuffle would: each row to the owner of its key group. */
class Parallel {
  late = 0;
  readonly ops: BatchOperator[];

  constructor(
    private readonly s: JoinSpec,
    parallelism: number,
  ) {
    this.ops = Array.from({ length: parallelism }, (_, i) =>
      joinOperator(s, LEFT, RIGHT, { subtaskIndex: i, parallelism, onLateRows: (n) => (this.late += n) }),
    );
  }

  step(step: Step): OutRow[] {
    if (step.kind === 'watermark') return this.ops.flatMap((op) => tuplesOf(op.onWatermark!(step.at)));
    const batch = toBatch(step.side, step.rows);
    const keys = step.side === 0 ? this.s.left_keys : this.s.right_keys;
    const parts = partitionByKeyGroup(hashKeys(batch, keys), this.ops.length);
    return this.ops.flatMap((op, i) => (parts[i]!.length ? tuplesOf(op.process(takeRows(batch, parts[i]!), step.side)) : []));
  }
}

const WINDOWS: [string, Exclude<WindowSpec, { kind: 'session' }>][] = [
  ['tumble 100', { kind: 'tumble', size_ms: 100 }],
  ['hop 100/50', { kind: 'hop', size_ms: 100, slide_ms: 50 }],
  ['hop 90/40', { kind: 'hop', size_ms: 90, slide_ms: 40 }],
];
const TYPES: JoinType[] = ['inner', 'left', 'right', 'full'];

describe('windowed join', () => {
  for (const [label, window] of WINDOWS) {
    for (const type of TYPES) {
      it(`${type} join over ${label} matches the nested-loop reference at every watermark`, () => {
        const steps = randomSteps(TYPES.indexOf(type) * 31 + label.length, 400);
        const reference = new ReferenceJoin(type, window);
        const run = new Parallel(spec(type, window), 1);
        let emitted = 0;
        for (const step of steps) {
          const expected = step.kind === 'watermark' ? reference.advance(step.at) : (reference.add(step.side, step.rows), []);
          const got = run.step(step);
          expect(sorted(got)).toEqual(sorted(expected));
          emitted += got.length;
        }
        expect(run.late).toBe(reference.late);
        // The run is not vacuous: rows were joined and some came late.
        expect(emitted).toBeGreaterThan(50);
        expect(reference.late).toBeGreaterThan(0);
        expect((run.ops[0] as unknown as { openWindows: number }).openWindows).toBe(0);
      });
    }
  }

  it('emits a window only once the watermark reaches its end − 1, and drops its late rows', () => {
    const late: number[] = [];
    const op = joinOperator(spec('inner', { kind: 'tumble', size_ms: 10 }), LEFT, RIGHT, { subtaskIndex: 0, parallelism: 1, onLateRows: (n) => late.push(n) });
    expect(op.process(toBatch(0, [{ key: 1, t: 5, text: 'a', id: 1 }]), 0)).toBeNull();
    expect(op.process(toBatch(1, [{ key: 1, t: 9, text: 'v8', id: 2 }]), 1)).toBeNull();
    expect(op.onWatermark!(8)).toBeNull();
    expect(tuplesOf(op.onWatermark!(9))).toEqual([[1, 5, 'a', 1, 1, 9, 2, 2]]);
    // Window [0, 10) is complete: a row for it is late; one for [10, 20) is not.
    op.process(toBatch(0, [{ key: 1, t: 3, text: 'late', id: 3 }, { key: 1, t: 10, text: 'b', id: 4 }]), 0);
    expect(late).toEqual([1]);
    op.process(toBatch(1, [{ key: 1, t: 19, text: 'v4', id: 5 }]), 1);
    expect(tuplesOf(op.onWatermark!(100))).toEqual([[1, 10, 'b', 4, 1, 19, 1, 5]]);
  });

  it('full join: a window with rows on one side only gives them with nulls; null keys match nothing', () => {
    const op = joinOperator(spec('full', { kind: 'tumble', size_ms: 10 }), LEFT, RIGHT, { subtaskIndex: 0, parallelism: 1 });
    op.process(toBatch(0, [{ key: null, t: 1, text: 'x', id: 1 }]), 0);
    op.process(toBatch(1, [{ key: null, t: 2, text: 'v0', id: 2 }]), 1);
    op.process(toBatch(0, [{ key: 7, t: 15, text: null, id: 3 }]), 0);
    const out = op.onWatermark!(50)!;
    expect(sorted(tuplesOf(out))).toEqual(
      sorted([
        [null, 1, 'x', 1, null, null, null, null],
        [null, null, null, null, null, 2, 0, 2],
        [7, 15, null, 3, null, null, null, null],
      ]),
    );
    expect(out.schema.fields.map((f) => [f.name, f.nullable])).toEqual(NAMES.map((n) => [n, true]));
  });

  it('joins on several key columns of different types', () => {
    const L: Schema = { fields: [{ name: 'a', type: 'utf8' }, { name: 'b', type: 'int64' }, { name: 'ts', type: 'timestamp' }] };
    const R: Schema = { fields: [{ name: 'x', type: 'float64' }, { name: 'y', type: 'utf8' }, { name: 'ts', type: 'timestamp' }] };
    const s: JoinSpec = { kind: 'join', join_type: 'inner', left_keys: ['a', 'b'], right_keys: ['y', 'x'], window: { kind: 'tumble', size_ms: 1000 }, time_columns: ['ts', 'ts'], output_names: ['a', 'b', 'lt', 'x', 'y', 'rt'] };
    const batch = (schema: Schema, rows: object[]): arrow.RecordBatch => {
      const b = new JsonBatchBuilder(schema, rows.length);
      rows.forEach((r) => b.appendObject(r));
      return b.finish();
    };
    const left = batch(L, [{ a: 'p', b: 1, ts: 1 }, { a: 'p', b: 2, ts: 2 }, { a: 'q', b: 1, ts: 3 }]);
    const right = batch(R, [{ x: 1, y: 'p', ts: 4 }, { x: 1.5, y: 'p', ts: 5 }, { x: 2, y: 'p', ts: 6 }, { x: 1, y: 'q', ts: 7 }]);
    // The shuffle hashes each side's keys in their order: equal values, equal hashes across types.
    expect(Array.from(hashKeys(left, ['a', 'b']))).toEqual(Array.from(hashKeys(batch(R, [{ x: 1, y: 'p', ts: 0 }, { x: 2, y: 'p', ts: 0 }, { x: 1, y: 'q', ts: 0 }]), ['y', 'x'])));
    const op = joinOperator(s, L, R, { subtaskIndex: 0, parallelism: 1 });
    op.process(left, 0);
    op.process(right, 1);
    expect(sorted(tuplesOf(op.onWatermark!(999)))).toEqual(sorted([['p', 1, 1, 1, 'p', 4], ['p', 2, 2, 2, 'p', 6], ['q', 1, 3, 1, 'q', 7]]));
  });
});

describe('windowed join snapshot and restore', () => {
  for (const [before, after, type, window] of [
    [3, 2, 'full', WINDOWS[0]![1]],
    [1, 4, 'left', WINDOWS[1]![1]],
    [2, 1, 'inner', WINDOWS[2]![1]],
    [2, 3, 'right', WINDOWS[0]![1]],
  ] as const) {
    it(`${type} join continues after a restore from parallelism ${before} to ${after} exactly as the reference`, () => {
      const steps = randomSteps(before * 7 + after, 400);
      const cut = 200;
      // Right after the restore, rows for windows emitted before the checkpoint: still late.
      const stale = steps.slice(0, cut).reduce((w, s) => (s.kind === 'watermark' ? s.at : w), -Infinity);
      steps.splice(cut, 0, { kind: 'rows', side: 0, rows: [{ key: 1, t: stale - 500, text: 'stale', id: 99_999 }] });
      const reference = new ReferenceJoin(type, window);
      const expected = steps.map((step) => (step.kind === 'watermark' ? reference.advance(step.at) : (reference.add(step.side, step.rows), [])));

      const old = new Parallel(spec(type, window), before);
      const got: OutRow[][] = steps.slice(0, cut).map((s) => old.step(s));
      const snapshots = old.ops.map((op) => unpack(pack(op.snapshot!())) as KeyedSnapshot);
      const restored = new Parallel(spec(type, window), after);
      for (const op of restored.ops) op.restore!(snapshots);
      got.push(...steps.slice(cut).map((s) => restored.step(s)));

      got.forEach((rows, i) => expect(sorted(rows), `step ${i}`).toEqual(sorted(expected[i]!)));
      expect(old.late + restored.late).toBe(reference.late);
    });
  }

  it('restore keeps only the key groups the subtask owns and replaces what it held', () => {
    const s = spec('inner', { kind: 'tumble', size_ms: 100 });
    const one = new Parallel(s, 1);
    for (const step of randomSteps(5, 100).filter((x) => x.kind === 'rows')) one.step(step);
    const snapshot = one.ops[0]!.snapshot!();
    const two = new Parallel(s, 2);
    two.ops.forEach((op) => op.restore!([snapshot]));
    const groups = two.ops.map((op) => Object.keys(op.snapshot!()).map(Number));
    expect(groups[0]!.every((kg) => kg < 128)).toBe(true);
    expect(groups[1]!.every((kg) => kg >= 128)).toBe(true);
    expect([...groups[0]!, ...groups[1]!].sort((a, b) => a - b)).toEqual(Object.keys(snapshot).map(Number).sort((a, b) => a - b));
    // Together they emit what the single subtask would.
    const all = two.ops.flatMap((op) => tuplesOf(op.onWatermark!(1e9)));
    expect(sorted(all)).toEqual(sorted(tuplesOf(one.ops[0]!.onWatermark!(1e9))));
    two.ops[0]!.restore!([]);
    expect(two.ops[0]!.onWatermark!(2e9)).toBeNull();
  });
});

describe('joinOutputSchema', () => {
  it('renames, keeps types and makes the outer side nullable', () => {
    const types = (t: JoinType) => joinOutputSchema(LEFT, RIGHT, spec(t, { kind: 'tumble', size_ms: 10 })).fields;
    expect(types('inner').map((f) => [f.name, f.type, f.nullable])).toEqual([
      ['k', 'int32', true], ['t', 'timestamp', true], ['name', 'utf8', true], ['lid', 'int64', false],
      ['rk', 'int64', true], ['rt', 'timestamp', true], ['price', 'float64', true], ['rid', 'int64', false],
    ]);
    expect(types('left').map((f) => f.nullable)).toEqual([true, true, true, false, true, true, true, true]);
    expect(types('right').map((f) => f.nullable)).toEqual([true, true, true, true, true, true, true, false]);
    expect(types('full').every((f) => f.nullable)).toBe(true);
  });

  it('rejects specs that cannot run', () => {
    const base = spec('inner', { kind: 'tumble', size_ms: 10 });
    const bad: [Partial<JoinSpec>, RegExp][] = [
      [{ output_names: NAMES.slice(1) }, /7 output names for 8 columns/],
      [{ output_names: [...NAMES.slice(0, 7), 'k'] }, /"k" appears twice/],
      [{ left_keys: ['nope'] }, /left key "nope"/],
      [{ left_keys: ['name'] }, /cannot equal/],
      [{ left_keys: ['k', 'lid'] }, /2 left keys but 1 right keys/],
      [{ window: { kind: 'session', gap_ms: 10 } }, /session windows/],
      [{ window: { kind: 'hop', size_ms: 10, slide_ms: 0 } }, /positive/],
      [{ time_columns: ['name', 'rt'] }, /not a timestamp/],
      [{ time_columns: undefined }, /needs time_columns/],
      [{ window: undefined, join_type: 'left' }, /needs a window/],
      [{ window: undefined, ttl_ms: -1 }, /ttl_ms/],
    ];
    for (const [change, message] of bad) expect(() => joinOutputSchema(LEFT, RIGHT, { ...base, ...change }), message.source).toThrow(message);
  });
});

describe('join in a task chain', () => {
  const s = spec('inner', { kind: 'tumble', size_ms: 10 });
  const task: PhysicalTask = {
    task_id: 'task-3',
    name: 'join',
    parallelism: 1,
    operators: [s, { kind: 'filter', condition: 'price > 1' }],
    node_ids: ['join-0', 'filter-1'],
    inputSchema: LEFT,
    outputSchema: joinOutputSchema(LEFT, RIGHT, s),
    inputs: [],
    outputs: [],
  };

  it('is built from both input schemas, routes batches by input and emits on the watermark', () => {
    const chain = buildChain(task, { subtaskIndex: 0, parallelism: 1 }, [LEFT, RIGHT]);
    expect(chain.run(toBatch(0, [{ key: 1, t: 1, text: 'a', id: 1 }]), 0)).toBeNull();
    expect(chain.run(toBatch(1, [{ key: 1, t: 2, text: 'v8', id: 2 }, { key: 1, t: 3, text: 'v2', id: 3 }]), 1)).toBeNull();
    const out = chain.runWatermark(20);
    expect(out.flatMap((b) => tuplesOf(b))).toEqual([[1, 1, 'a', 1, 1, 2, 2, 2]]);
  });

  it('needs both input schemas', () => {
    expect(() => buildChain(task, { subtaskIndex: 0, parallelism: 1 })).toThrow(/both its inputs/);
  });
});
