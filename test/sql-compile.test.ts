// Graph shapes the SQL compiler makes (src/sql): event time into windows, shuffle keys, join
// inputs, inlined views, settings; problems with line and column; the physical plans of its
// multi-input graphs; the Nexmark examples.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPhysicalPlan } from '../src/dataflow/physical.js';
import { ValidationError } from '../src/errors.js';
import { compileSql, type SqlCompileOptions, validateSql } from '../src/sql/index.js';
import { emptyUdfRegistry, type UdfRegistry } from '../src/sql/expr/index.js';
import type { LogicalGraph, OperatorSpec } from '../src/types.js';

const opts = (parallelism = 2, more: Partial<SqlCompileOptions> = {}): SqlCompileOptions => ({ parallelism, prefix: 'rivulet', ...more });
const ORDERS = `CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH (connector = 'nats', subject = 'orders.in');`;
const AB = `CREATE TABLE a (k BIGINT, x TEXT) WITH (connector = 'nats', subject = 'a.in');
CREATE TABLE b (k BIGINT, y TEXT) WITH (connector = 'nats', subject = 'b.in');`;

const kinds = (g: LogicalGraph) => g.nodes.map((n) => n.op.kind);
const only = <K extends OperatorSpec['kind']>(g: LogicalGraph, kind: K) => {
  const nodes = g.nodes.filter((n) => n.op.kind === kind);
  expect(nodes).toHaveLength(1);
  return nodes[0]! as (typeof nodes)[number] & { op: Extract<OperatorSpec, { kind: K }> };
};

function problems(query: string, o = opts()): { message: string; line?: number; column?: number }[] {
  try {
    compileSql(query, o);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).details ?? [];
  }
  throw new Error('expected the query to fail');
}

describe('compileSql: windows and event time', () => {
  it('puts a window aggregate after a watermarked source, shuffled on the group keys', () => {
    const g = compileSql(`${ORDERS}\nSELECT user, count(*) AS n, tumble(interval '1 minute') AS window FROM orders GROUP BY user, window;`, opts(3));
    expect(kinds(g)).toEqual(['source', 'project', 'window_aggregate', 'project', 'sink']);
    const source = only(g, 'source');
    expect(source.op.event_time).toEqual({ event_time_field: 'ts', watermark_delay_ms: 5000 });
    const agg = only(g, 'window_aggregate');
    expect(agg.op).toMatchObject({ window: { kind: 'tumble', size_ms: 60_000 }, time_column: 'ts', group_by: ['user'], aggregates: ['count(*) AS n'] });
    expect(agg.outputSchema.fields.map((f) => f.name)).toEqual(['user', 'window_start', 'window_end', 'n']);
    const into = g.edges.find((e) => e.to === agg.id)!;
    expect(into).toMatchObject({ kind: 'shuffle', keys: ['user'] });
    expect(g.edges.filter((e) => e.to !== agg.id).every((e) => e.kind === 'forward')).toBe(true);
    expect(g.nodes.every((n) => n.parallelism === 3)).toBe(true);
    expect(g.nodes.at(-1)!.outputSchema.fields.map((f) => f.name)).toEqual(['user', 'n', 'window.start', 'window.end']);
  });

  it('keeps event time through a subquery that drops the time column', () => {
    const g = compileSql(`${ORDERS}\nSELECT count(*) AS n, hop(interval '5 seconds', interval '1 minute') AS w
FROM (SELECT user FROM orders WHERE amount > 1) GROUP BY w;`, opts());
    const inner = g.nodes.find((n) => n.op.kind === 'project')!;
    expect(inner.op).toEqual({ kind: 'project', expressions: ['"user"', 'ts AS _timestamp'] });
    expect(only(g, 'window_aggregate').op).toMatchObject({ time_column: '_timestamp', window: { kind: 'hop', slide_ms: 5000, size_ms: 60_000 } });
    expect(g.nodes.at(-1)!.outputSchema.fields.map((f) => f.name)).toEqual(['n', 'w.start', 'w.end']);
  });

  it('turns a GROUP BY without window into an updating aggregate with the TTL of SET updating_ttl', () => {
    const g = compileSql(`${ORDERS}\nSET updating_ttl = '2 hours';\nSELECT user, sum(amount) AS total FROM orders GROUP BY user;`, opts());
    const agg = only(g, 'aggregate');
    expect(agg.op).toEqual({ kind: 'aggregate', group_by: ['user'], aggregates: ['sum(amount) AS total'], updating: true, ttl_ms: 7_200_000 });
    expect(g.nodes.at(-1)!.outputSchema.fields.map((f) => f.name)).toEqual(['user', 'total', '_op']);
  });

  it('needs event time for a window', () => {
    const [p] = problems(`${AB}\nSELECT count(*)\nFROM a GROUP BY tumble(interval '1 minute');`);
    expect(p).toMatchObject({ line: 4, column: 17 });
    expect(p!.message).toContain('needs event time');
  });
});

describe('compileSql: joins', () => {
  it('shuffles each input on its keys, left as input 0 and right as input 1', () => {
    const g = compileSql(`${AB}\nSELECT a.x, b.y FROM a JOIN b ON a.k = b.k;`, opts(2));
    const join = only(g, 'join');
    expect(join.op).toMatchObject({ join_type: 'inner', left_keys: ['k'], right_keys: ['k'], ttl_ms: 86_400_000, output_names: ['a.k', 'a.x', 'b.k', 'b.y'] });
    const inputs = g.edges.filter((e) => e.to === join.id).sort((x, y) => x.input_index! - y.input_index!);
    expect(inputs.map((e) => [e.from, e.kind, e.keys, e.input_index])).toEqual([
      ['source-0', 'shuffle', ['k'], 0],
      ['source-1', 'shuffle', ['k'], 1],
    ]);
  });

  it('joins two aggregations over the same window per window, and allows outer joins there', () => {
    const q = `${ORDERS}
SELECT L.n, R.n AS m FROM
  (SELECT count(*) AS n, tumble(interval '1 minute') AS window FROM orders GROUP BY window) L
  FULL JOIN
  (SELECT sum(amount) AS n, tumble(interval '1 minute') AS window FROM orders GROUP BY window) R
  ON L.window = R.window;`;
    const join = only(compileSql(q, opts()), 'join');
    expect(join.op).toMatchObject({ join_type: 'full', window: { kind: 'tumble', size_ms: 1 }, time_columns: ['_timestamp', '_timestamp'] });
    expect(join.op.ttl_ms).toBeUndefined();
    expect(join.op.left_keys).toEqual(['window.end', 'window.start']);
  });

  it('refuses an outer join without windows, at the join', () => {
    const [p] = problems(`${AB}\nSELECT a.x\nFROM a RIGHT JOIN b ON a.k = b.k;`);
    expect(p).toMatchObject({ line: 4, column: 8 });
    expect(p!.message).toContain('RIGHT JOIN needs both sides to be window aggregations');
  });
});

describe('compileSql: views, statements, settings', () => {
  it('inlines a view where it is used, over one shared source', () => {
    const g = compileSql(`${AB}
CREATE VIEW big AS SELECT k, x FROM a WHERE k > 10;
SELECT V.x, W.x AS x2 FROM big V JOIN big W ON V.k = W.k;`, opts());
    expect(kinds(g)).toEqual(['source', 'filter', 'filter', 'join', 'project', 'sink']);
    expect(g.edges.filter((e) => e.from === 'source-0')).toHaveLength(2);
  });

  it('drops nothing when SELECT * changes nothing, and uses the default sink for a bare SELECT', () => {
    const g = compileSql(`${AB}\nSELECT * FROM a;`, opts(1, { defaultSink: 'stdout' }));
    expect(kinds(g)).toEqual(['source', 'sink']);
    expect(g.nodes[1]!.op).toEqual({ kind: 'sink', sink: { type: 'stdout', config: {} } });
  });

  it('validateSql returns the graph as JSON, or the problems', () => {
    const ok = validateSql(`${AB}\nSELECT x FROM a;`, opts());
    expect(ok.errors).toEqual([]);
    expect(ok.graph?.nodes.map((n) => n.name)).toEqual(['nats-source', 'project', 'preview-sink']);
    const bad = validateSql(`${AB}\nSELECT z FROM a;\nSELECT q FROM b;`, opts());
    expect(bad.graph).toBeNull();
    expect(bad.errors.map((e) => [e.line, e.column])).toEqual([[3, 8], [4, 8]]);
  });
});

describe('compileSql: problems carry line and column', () => {
  it('collects problems from several statements', () => {
    const ps = problems(`CREATE TABLE t (a INT) WITH (connector = 'nats', subject = 'x', colour = 'red');
SELECT nope FROM t;
SELECT a FROM missing;
SELECT a FROM t WHERE a = ;`);
    expect(ps.map((p) => [p.line, p.column])).toEqual([[1, 65], [2, 8], [3, 15], [4, 27]]);
    expect(ps[0]!.message).toBe('unknown option "colour" for connector \'nats\'');
    expect(ps[1]!.message).toMatch(/^unknown column "nope"/);
    expect(ps[2]!.message).toMatch(/^unknown table "missing"/);
    expect(ps[3]!.message).toMatch(/^syntax error/);
  });

  it('maps positions back past rewritten text (quoted window, cut WATERMARK clauses)', () => {
    const q = `CREATE TABLE t (a INT, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND, ts TIMESTAMP) WITH (connector = 'nats', subject = 'x');
SELECT window.start, nope FROM (SELECT count(*) AS c, tumble(interval '1 minute') AS window FROM t GROUP BY window);`;
    const [p] = problems(q);
    expect(p).toMatchObject({ line: 2, column: 22 });
    const [w] = problems(`CREATE TABLE t (a INT, ts TEXT, WATERMARK FOR ts) WITH (connector = 'nats', subject = 'x');\nSELECT a FROM t;`);
    expect(w).toMatchObject({ line: 1, column: 47 });
    expect(w!.message).toContain('must be a TIMESTAMP');
  });

  it('maps expression engine errors to the expression in the query', () => {
    const [p] = problems(`${AB}\nSELECT x,\n  k * 2 + lower(x) AS bad\nFROM a;`);
    expect(p).toMatchObject({ line: 4, column: 3 });
  });

  it('reports a bad connector at its value', () => {
    const [p] = problems(`CREATE TABLE t (a INT)\n  WITH (connector = 'kafka');\nSELECT * FROM t;`);
    expect(p).toMatchObject({ line: 2, column: 21 });
    expect(p!.message).toContain("unknown connector 'kafka'");
  });
});

describe('compileSql: UDFs', () => {
  const registry = (): UdfRegistry => {
    const r = emptyUdfRegistry();
    r.scalar.set('double_it', { kind: 'scalar', name: 'double_it', exportName: 'double_it', args: ['int64'], returns: 'int64', nulls: 'skip', fn: (x: unknown) => Number(x) * 2 });
    return r;
  };

  it('type-checks calls against the job UDFs', () => {
    const g = compileSql(`${AB}\nSELECT double_it(k) AS d FROM a;`, opts(1, { udfs: registry() }));
    expect(g.nodes.at(-1)!.outputSchema.fields).toEqual([{ name: 'd', type: 'int64', nullable: true }]);
    expect(problems(`${AB}\nSELECT double_it(k) AS d FROM a;`)[0]).toMatchObject({ line: 3, column: 8 });
  });
});

describe('buildPhysicalPlan of compiled SQL', () => {
  it('starts a join in its own task with two input edges (input 0 and 1), at parallelism 1 and 2', () => {
    for (const p of [1, 2]) {
      const plan = buildPhysicalPlan(compileSql(`${AB}\nSELECT a.x, b.y FROM a JOIN b ON a.k = b.k WHERE a.x <> b.y;`, opts(p)));
      const task = plan.tasks.find((t) => t.operators[0]!.kind === 'join')!;
      expect(task.operators.map((o) => o.kind)).toEqual(['join', 'filter', 'project', 'sink']);
      expect(task.inputs.map((e) => e.input_index).sort()).toEqual([0, 1]);
      expect(task.inputs.every((e) => e.kind === (p === 1 ? 'forward' : 'shuffle'))).toBe(true);
      expect(plan.tasks.filter((t) => t.operators[0]!.kind === 'source')).toHaveLength(2);
    }
  });

  it('feeds both inputs of a self-join from one source task', () => {
    const plan = buildPhysicalPlan(compileSql(`${AB}\nSELECT A.x FROM a A JOIN a B ON A.k = B.k;`, opts(2)));
    const join = plan.tasks.find((t) => t.operators[0]!.kind === 'join')!;
    expect(join.inputs).toHaveLength(2);
    expect(new Set(join.inputs.map((e) => e.from_task)).size).toBe(1);
    expect(join.inputs.map((e) => e.input_index).sort()).toEqual([0, 1]);
  });

  it('chains a window aggregate into its source at parallelism 1, and shuffles into it at 2', () => {
    const q = `${ORDERS}\nSELECT user, count(*) AS n, tumble(interval '1 minute') AS window FROM orders GROUP BY user, window;`;
    expect(buildPhysicalPlan(compileSql(q, opts(1))).tasks).toHaveLength(1);
    const plan = buildPhysicalPlan(compileSql(q, opts(2)));
    expect(plan.tasks.map((t) => t.name)).toEqual(['nats-source -> project', 'window_aggregate -> project -> preview-sink']);
    expect(plan.edges[0]).toMatchObject({ kind: 'shuffle', keys: ['user'], input_index: 0 });
  });

  it('unions several inputs into one task', () => {
    const plan = buildPhysicalPlan(compileSql(`${AB}\nSELECT k, x FROM a UNION ALL SELECT k, y FROM b;`, opts(2)));
    const union = plan.tasks.find((t) => t.operators[0]!.kind === 'union')!;
    expect(union.inputs.map((e) => e.input_index).sort()).toEqual([0, 1]);
  });
});

describe('examples/nexmark', () => {
  const dir = new URL('../examples/nexmark/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();

  it('has q0 to q8 (q6 aside)', () => {
    for (const q of ['q0', 'q1', 'q2', 'q3', 'q4', 'q5', 'q7', 'q8']) expect(files).toContain(`${q}.sql`);
  });

  for (const file of files) {
    it(`${file} compiles and plans`, () => {
      const graph = compileSql(readFileSync(new URL(file, dir), 'utf8'), opts(2));
      expect(graph.nodes[0]!.op).toMatchObject({ kind: 'source', source: { type: 'nexmark' } });
      expect(buildPhysicalPlan(graph).tasks.length).toBeGreaterThan(0);
    });
  }
});
