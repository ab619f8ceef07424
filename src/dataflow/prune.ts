// Column pruning at shared sources. A source read by several branches of a query (Nexmark's one
// table feeding q5's, q7's and q8's subqueries) cannot be chained into any one of them, so its
// batches cross a task boundary whole: with Nexmark's 25 columns that is most of the cost of
// q5/q7/q8. When every consumer's needs are known, a projection of just the columns they read goes
// right after the source (chained into the source's task), and the pass-through nodes below it
// (filters, key_by) get the narrower schema.
//
// What a node reads is found by compiling its expressions with CompileOptions.onColumn. Anything
// not understood (joins, unions, sinks, a compile error) reads every column, which only means
// less pruning. A source with one consumer is left alone: it is chained with that consumer and
// its batches never leave the process, except a Nexmark source: the generator is told which
// columns to make (NexmarkSourceConfig.columns), which saves most of its work for q0–q2.

import { compileAggregateCall } from '../operators/aggregate/calls.js';
import { compileCondition, compileProjection, type CompileOptions } from '../sql/expr/index.js';
import type { LogicalGraph, LogicalNode, Schema } from '../types.js';

type Needs = Set<string> | 'all';

const union = (a: Needs, b: Needs): Needs => (a === 'all' || b === 'all' ? 'all' : new Set([...a, ...b]));

/** Columns `texts` read from `schema` (all of them when one does not compile). */
function reads(texts: string[], schema: Schema | null, compile: (text: string, schema: Schema, o: CompileOptions) => unknown, udfs: CompileOptions['udfs']): Needs {
  if (!schema) return 'all';
  const used = new Set<string>();
  try {
    for (const t of texts) compile(t, schema, { udfs, onColumn: (name) => used.add(name) });
  } catch {
    return 'all';
  }
  return used;
}

/** Prunes in place; returns the graph for chaining. */
export function pruneSharedSources(graph: LogicalGraph, udfs?: CompileOptions['udfs']): LogicalGraph {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const consumers = (id: string) => graph.edges.filter((e) => e.from === id).map((e) => byId.get(e.to)!);

  /** Columns of its input that `node` reads, itself or through the nodes after it. */
  const needs = (node: LogicalNode): Needs => {
    const op = node.op;
    const input = node.inputSchema;
    switch (op.kind) {
      case 'filter':
        return union(reads([op.condition], input, (t, s, o) => compileCondition(t, s, undefined, o), udfs), below(node));
      case 'key_by':
        return union(new Set(op.keys), below(node));
      case 'project':
        return reads(op.expressions, input, (t, s, o) => compileProjection(t, s, undefined, o), udfs);
      case 'aggregate':
        return union(new Set(op.group_by), reads(op.aggregates, input, (t, s, o) => compileAggregateCall(t, s, undefined, o), udfs));
      case 'window_aggregate':
        return union(new Set([...op.group_by, op.time_column]), reads(op.aggregates, input, (t, s, o) => compileAggregateCall(t, s, undefined, o), udfs));
      default:
        return 'all';
    }
  };
  const below = (node: LogicalNode): Needs => {
    const next = consumers(node.id);
    if (next.length === 0) return 'all';
    return next.reduce<Needs>((acc, n) => union(acc, needs(n)), new Set());
  };

  for (const source of graph.nodes.filter((n) => n.op.kind === 'source')) {
    const op = source.op;
    if (op.kind !== 'source') continue;
    const next = consumers(source.id);
    const generated = op.source.type === 'nexmark';
    if (next.length < 2 && !generated) continue;
    let used = below(source);
    if (used === 'all') continue;
    if (op.event_time) used = union(used, new Set([op.event_time.event_time_field]));
    const fields = source.outputSchema.fields.filter((f) => (used as Set<string>).has(f.name));
    if (fields.length === source.outputSchema.fields.length || fields.length === 0) continue;
    const schema: Schema = { fields };
    if (op.source.type === 'nexmark') {
      // The generator itself leaves the other columns out (and skips writing their strings).
      op.source.config.columns = fields.map((f) => f.name);
      source.outputSchema = schema;
      narrow(next, schema);
      continue;
    }
    const project: LogicalNode = {
      id: `project-${graph.nodes.length}`,
      name: 'project',
      op: { kind: 'project', expressions: fields.map((f) => `"${f.name.replace(/"/g, '""')}"`) },
      parallelism: source.parallelism,
      inputSchema: source.outputSchema,
      outputSchema: schema,
    };
    graph.nodes.splice(graph.nodes.indexOf(source) + 1, 0, project);
    for (const e of graph.edges) if (e.from === source.id) e.from = project.id;
    graph.edges.push({ from: source.id, to: project.id, kind: 'forward' });
    narrow(next, schema);
  }
  return graph;

  /** The pruned schema flows into each consumer, and through pass-through nodes on down. */
  function narrow(nodes: LogicalNode[], schema: Schema): void {
    for (const n of nodes) {
      n.inputSchema = schema;
      if (n.op.kind === 'filter' || n.op.kind === 'key_by') {
        n.outputSchema = schema;
        narrow(consumers(n.id), schema);
      }
    }
  }
}
