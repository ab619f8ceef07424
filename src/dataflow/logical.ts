// The logical graph of a validated job: one node per source, transformation and sink, linked as
// a pipeline (sources → steps in order → every sink), with the schema at each node. Edges are
// forward, except where rows must be hash-partitioned at parallelism > 1: after a key_by, and
// into an aggregate (keyed on its group_by, which a key_by with the same keys already provides).

import { Problems } from '../spec/problems.js';
import { sourceSchema, unionSchemas } from '../spec/schema.js';
import { aggregateFields } from '../spec/aggregate.js';
import { projectFields } from '../spec/transformations.js';
import type { EdgeKind, JobSpec, LogicalEdge, LogicalGraph, LogicalNode, OperatorSpec, Schema } from '../types.js';

export function buildLogicalGraph(spec: JobSpec): LogicalGraph {
  const parallelism = spec.config.parallelism;
  const nodes: LogicalNode[] = [];
  const edges: LogicalEdge[] = [];
  const node = (id: string, name: string, op: OperatorSpec, inputSchema: Schema | null, outputSchema: Schema): LogicalNode => {
    const n: LogicalNode = { id, name, op, parallelism, inputSchema, outputSchema };
    nodes.push(n);
    return n;
  };

  let upstream: LogicalNode[] = spec.sources.map((source, i) =>
    node(`source-${i}`, `${source.type}-source`, { kind: 'source', source }, null, sourceSchema(source)),
  );
  // Sources are unioned: downstream sees one schema, nullable wherever any source may be null.
  let schema = unionSchemas(spec.sources.map(sourceSchema));

  spec.transformations.forEach((t, i) => {
    const op = operatorOf(t);
    const output = outputSchema(op, schema, i);
    const n = node(`transform-${i}`, t.type, op, schema, output);
    for (const from of upstream) edges.push(edgeFrom(from, n));
    upstream = [n];
    schema = output;
  });

  spec.sinks.forEach((sink, i) => {
    // Sinks pass their input through (nothing flows on), so output = input keeps task schemas simple.
    const n = node(`sink-${i}`, `${sink.type}-sink`, { kind: 'sink', sink }, schema, schema);
    for (const from of upstream) edges.push(edgeFrom(from, n));
  });
  return { nodes, edges };
}

function operatorOf(t: JobSpec['transformations'][number]): OperatorSpec {
  switch (t.type) {
    case 'filter':
      return { kind: 'filter', condition: t.config.condition };
    case 'project':
      return { kind: 'project', expressions: t.config.expressions };
    case 'key_by':
      return { kind: 'key_by', keys: t.config.keys };
    case 'aggregate':
      return { kind: 'aggregate', group_by: t.config.group_by, aggregates: t.config.aggregates };
  }
}

/**
 * Rows leave a key_by hash-partitioned, but at parallelism 1 there is nothing to partition. An
 * aggregate needs every row of a group in one subtask, and its keyed state is placed by the hash
 * of exactly its group_by columns (in order), so its input edge is keyed on them; a key_by on
 * the same keys just before it is that very shuffle, not a second one.
 */
function edgeFrom(from: LogicalNode, to: LogicalNode): LogicalEdge {
  if (to.op.kind === 'aggregate' && to.parallelism > 1) return { from: from.id, to: to.id, kind: 'shuffle', keys: [...to.op.group_by] };
  if (from.op.kind === 'key_by' && from.parallelism > 1) return { from: from.id, to: to.id, kind: 'shuffle', keys: from.op.keys };
  return { from: from.id, to: to.id, kind: 'forward' };
}

/** Schema after a step; only a spec that skipped validateJobSpec can make this throw. */
function outputSchema(op: OperatorSpec, input: Schema, index: number): Schema {
  if (op.kind !== 'project' && op.kind !== 'aggregate') return input;
  const p = new Problems();
  const path = `transformations[${index}].config`;
  const fields = op.kind === 'project'
    ? projectFields(op.expressions, input, `${path}.expressions`, p)
    : aggregateFields(op.group_by, op.aggregates, input, path, p);
  if (!fields) throw p.toError();
  return { fields };
}

// ---------------------------------------------------------------------------------------------
// JSON view for the API and the inspector.

export interface GraphJson {
  nodes: { id: string; name: string; parallelism: number; description: string }[];
  edges: { from: string; to: string; kind: EdgeKind; keys: string[] }[];
}

export function graphToJson(graph: LogicalGraph): GraphJson {
  return {
    nodes: graph.nodes.map((n) => ({ id: n.id, name: n.name, parallelism: n.parallelism, description: describe(n.op) })),
    edges: graph.edges.map((e) => ({ from: e.from, to: e.to, kind: e.kind, keys: e.keys ?? [] })),
  };
}

/** One line saying what the operator does, e.g. `nats subject "orders.*"` or `amount > 10000`. */
export function describe(op: OperatorSpec): string {
  switch (op.kind) {
    case 'source':
      return describeConnector(op.source.type, op.source.config);
    case 'sink':
      return describeConnector(op.sink.type, op.sink.config);
    case 'filter':
      return `where ${op.condition}`;
    case 'project':
      return `select ${op.expressions.join(', ')}`;
    case 'key_by':
      return `key by ${op.keys.join(', ')}`;
    case 'aggregate':
      return `group by ${op.group_by.join(', ')}: ${op.aggregates.join(', ')}`;
    case 'window_aggregate':
      return `${op.window.kind} window on ${op.time_column}, group by ${[...op.group_by, 'window'].join(', ')}: ${op.aggregates.join(', ')}`;
    case 'join':
      return `${op.join_type} join on ${op.left_keys.map((k, i) => `${k} = ${op.right_keys[i]}`).join(' and ')}${op.window ? ` in ${op.window.kind} windows` : ''}`;
    case 'union':
      return 'union';
  }
}

function describeConnector(type: string, config: object): string {
  const c = config as { stream?: string; subject?: string; count?: number; event_rate?: number };
  const parts = [type];
  if (c.stream !== undefined) parts.push(`stream ${c.stream}`);
  if (c.subject !== undefined) parts.push(`subject "${c.subject}"`);
  if (c.count !== undefined) parts.push(`count ${c.count}`);
  if (c.event_rate !== undefined) parts.push(`${c.event_rate}/s`);
  return parts.join(' ');
}
