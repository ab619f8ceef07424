// Column pruning at sources (src/dataflow/prune.ts): which columns a source keeps, where the
// projection goes, and when nothing is pruned because some consumer reads every column.
import { describe, expect, it } from 'vitest';
import { buildPhysicalPlan } from '../src/dataflow/physical.js';
import { compileSql } from '../src/sql/index.js';
import type { LogicalGraph } from '../src/types.js';

const ORDERS = `CREATE TABLE orders (id BIGINT, amount DOUBLE, user TEXT, note TEXT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH (connector = 'nats', subject = 'orders.in');`;

const graphOf = (sql: string, parallelism = 2): LogicalGraph => compileSql(sql, { prefix: 'rivulet', parallelism });
const kinds = (g: LogicalGraph) => g.nodes.map((n) => n.op.kind);
const names = (s: { fields: { name: string }[] }) => s.fields.map((f) => f.name);

describe('column pruning', () => {
  it('a shared source gets one projection of what its branches read, plus the event-time column', () => {
    const g = graphOf(`${ORDERS}
      SELECT id FROM orders WHERE amount > 10;
      SELECT user, count(*) AS n, tumble(interval '1 minute') AS w FROM orders GROUP BY user, w;`);
    const project = g.nodes[1]!;
    expect(project.op).toEqual({ kind: 'project', expressions: ['"id"', '"amount"', '"user"', '"ts"'] });
    expect(g.edges.find((e) => e.to === project.id)?.from).toBe(g.nodes[0]!.id);
    // Pass-through nodes below it see the narrower schema; `note` is gone.
    const filter = g.nodes.find((n) => n.op.kind === 'filter')!;
    expect(names(filter.inputSchema!)).toEqual(['id', 'amount', 'user', 'ts']);
    expect(names(filter.outputSchema)).toEqual(['id', 'amount', 'user', 'ts']);
    // Chained into the source's task: the branches' batches leave the process narrow.
    const plan = buildPhysicalPlan(g);
    expect(plan.tasks[0]!.operators.map((o) => o.kind)).toEqual(['source', 'project']);
  });

  it('leaves a source alone when one branch reads every column, or when it has one consumer', () => {
    const all = graphOf(`${ORDERS}
      SELECT * FROM orders;
      SELECT id FROM orders WHERE amount > 10;`);
    // No pruning projection: the source itself still fans out to both branches.
    expect(all.edges.filter((e) => e.from === all.nodes[0]!.id)).toHaveLength(2);
    const single = graphOf(`${ORDERS}
      SELECT id FROM orders WHERE amount > 10;`);
    expect(kinds(single)).toEqual(['source', 'filter', 'project', 'sink']);
  });

  it('a join below a shared source reads everything (no pruning)', () => {
    const g = graphOf(`${ORDERS}
      SELECT a.id, b.user FROM orders AS a JOIN orders AS b ON a.id = b.id;`);
    expect(g.edges.filter((e) => e.from === g.nodes[0]!.id)).toHaveLength(2);
    expect(names(g.nodes[0]!.outputSchema)).toEqual(['id', 'amount', 'user', 'note', 'ts']);
  });

  it('tells a Nexmark source which columns to make, even with a single consumer', () => {
    const g = graphOf(`CREATE TABLE nexmark WITH (connector = 'nexmark', count = '10');
      SELECT bid.price FROM nexmark WHERE bid IS NOT NULL;`);
    const source = g.nodes[0]!;
    expect(source.op.kind === 'source' && source.op.source.type === 'nexmark' && source.op.source.config.columns).toEqual(['bid.auction', 'bid.price', 'event_time']);
    expect(names(source.outputSchema)).toEqual(['bid.auction', 'bid.price', 'event_time']);
    expect(kinds(g)).toEqual(['source', 'filter', 'project', 'sink']);
  });
});
