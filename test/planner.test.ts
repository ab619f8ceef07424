import { describe, expect, it } from 'vitest';
import { InternalError } from '../src/errors.js';
import { buildLogicalGraph, graphToJson } from '../src/dataflow/logical.js';
import { buildPhysicalPlan } from '../src/dataflow/physical.js';
import { buildChain } from '../src/operators/chain.js';
import { validateJobSpec } from '../src/spec/validate.js';
import type { JobSpec, LogicalGraph, PhysicalPlan } from '../src/types.js';

const ORDER_FIELDS = [
  { name: 'id', type: 'int64' },
  { name: 'user', type: 'utf8' },
  { name: 'amount', type: 'float64' },
];

function natsSource(subject = 'orders.>', fields: object[] = ORDER_FIELDS) {
  return { type: 'nats', config: { subject, format: 'json', schema: { fields } } };
}

const FILTER = { type: 'filter', config: { condition: 'amount > 10000' } };
const PROJECT = { type: 'project', config: { expressions: ['id', 'user', 'amount * 2 AS doubled'] } };
const KEY_BY_USER = { type: 'key_by', config: { keys: ['user'] } };
const NATS_SINK = { type: 'nats', config: { subject: 'orders.big', format: 'json' } };

function spec(parallelism: number, parts: { sources?: object[]; transformations?: object[]; sinks?: object[] } = {}): JobSpec {
  return validateJobSpec({
    name: 'planner test',
    config: { parallelism },
    sources: parts.sources ?? [natsSource()],
    transformations: parts.transformations ?? [FILTER, PROJECT],
    sinks: parts.sinks ?? [NATS_SINK],
  });
}

const plan = (s: JobSpec): PhysicalPlan => buildPhysicalPlan(buildLogicalGraph(s));
const shape = (p: PhysicalPlan) => ({
  tasks: p.tasks.map((t) => [t.task_id, t.name, t.parallelism]),
  edges: p.edges.map((e) => [e.edge_id, e.from_task, e.to_task, e.kind, e.keys]),
});

describe('buildLogicalGraph', () => {
  it('makes one node per source, step and sink, chained with forward edges', () => {
    const graph = buildLogicalGraph(spec(2));
    expect(graph.nodes.map((n) => [n.id, n.name, n.parallelism])).toEqual([
      ['source-0', 'nats-source', 2],
      ['transform-0', 'filter', 2],
      ['transform-1', 'project', 2],
      ['sink-0', 'nats-sink', 2],
    ]);
    expect(graph.edges).toEqual([
      { from: 'source-0', to: 'transform-0', kind: 'forward' },
      { from: 'transform-0', to: 'transform-1', kind: 'forward' },
      { from: 'transform-1', to: 'sink-0', kind: 'forward' },
    ]);
  });

  it('tracks the schema into and out of every node', () => {
    const [source, filter, project, sink] = buildLogicalGraph(spec(1)).nodes;
    const names = (s: { fields: { name: string }[] } | null) => s?.fields.map((f) => f.name);
    expect(source!.inputSchema).toBeNull();
    expect(names(source!.outputSchema)).toEqual(['id', 'user', 'amount']);
    expect(names(filter!.inputSchema)).toEqual(['id', 'user', 'amount']);
    expect(names(filter!.outputSchema)).toEqual(['id', 'user', 'amount']);
    expect(project!.outputSchema.fields).toEqual([
      { name: 'id', type: 'int64', nullable: true },
      { name: 'user', type: 'utf8', nullable: true },
      { name: 'doubled', type: 'float64', nullable: true },
    ]);
    expect(sink!.inputSchema).toEqual(project!.outputSchema);
  });

  it('shuffles after key_by only when there is more than one subtask', () => {
    const steps = [FILTER, KEY_BY_USER, PROJECT];
    const parallel = buildLogicalGraph(spec(2, { transformations: steps }));
    expect(parallel.edges[2]).toEqual({ from: 'transform-1', to: 'transform-2', kind: 'shuffle', keys: ['user'] });
    expect(parallel.edges.filter((e) => e.kind === 'shuffle')).toHaveLength(1);
    const single = buildLogicalGraph(spec(1, { transformations: steps }));
    expect(single.edges.every((e) => e.kind === 'forward')).toBe(true);
  });

  it('connects several sources to the first step and the last step to every sink', () => {
    const graph = buildLogicalGraph(spec(1, { sources: [natsSource('a'), natsSource('b')], sinks: [NATS_SINK, { type: 'stdout' }] }));
    expect(graph.edges.map((e) => `${e.from}>${e.to}`)).toEqual([
      'source-0>transform-0',
      'source-1>transform-0',
      'transform-0>transform-1',
      'transform-1>sink-0',
      'transform-1>sink-1',
    ]);
  });

  it('unions source schemas: a column is nullable if any source may leave it null', () => {
    const strict = ORDER_FIELDS.map((f) => ({ ...f, nullable: false }));
    const graph = buildLogicalGraph(spec(1, { sources: [natsSource('a', strict), natsSource('b', strict.map((f, i) => (i === 2 ? { ...f, nullable: true } : f)))] }));
    expect(graph.nodes[2]!.inputSchema!.fields.map((f) => f.nullable)).toEqual([false, false, true]);
  });

  it('renders a JSON view for the API', () => {
    const json = graphToJson(buildLogicalGraph(spec(2, { transformations: [FILTER, KEY_BY_USER] })));
    expect(json.nodes).toEqual([
      { id: 'source-0', name: 'nats-source', parallelism: 2, description: 'nats subject "orders.>"' },
      { id: 'transform-0', name: 'filter', parallelism: 2, description: 'where amount > 10000' },
      { id: 'transform-1', name: 'key_by', parallelism: 2, description: 'key by user' },
      { id: 'sink-0', name: 'nats-sink', parallelism: 2, description: 'nats subject "orders.big"' },
    ]);
    expect(json.edges.map((e) => [e.kind, e.keys])).toEqual([['forward', []], ['forward', []], ['shuffle', ['user']]]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('buildPhysicalPlan', () => {
  for (const parallelism of [1, 2]) {
    it(`fuses the example job into one task at parallelism ${parallelism}`, () => {
      const p = plan(spec(parallelism));
      expect(shape(p)).toEqual({ tasks: [['task-1', 'nats-source -> filter -> project -> nats-sink', parallelism]], edges: [] });
      const task = p.tasks[0]!;
      expect(task.operators.map((o) => o.kind)).toEqual(['source', 'filter', 'project', 'sink']);
      expect(task.inputSchema.fields.map((f) => f.name)).toEqual(['id', 'user', 'amount']);
      expect(task.outputSchema.fields.map((f) => f.name)).toEqual(['id', 'user', 'doubled']);
      expect(task.inputs).toEqual([]);
      expect(task.outputs).toEqual([]);
    });
  }

  it('splits at a key_by shuffle at parallelism 2 and carries the keys', () => {
    const p = plan(spec(2, { transformations: [FILTER, KEY_BY_USER, PROJECT] }));
    expect(shape(p)).toEqual({
      tasks: [
        ['task-1', 'nats-source -> filter -> key_by', 2],
        ['task-2', 'project -> nats-sink', 2],
      ],
      edges: [['e0', 'task-1', 'task-2', 'shuffle', ['user']]],
    });
    const [upstream, downstream] = p.tasks;
    expect(upstream!.outputs).toEqual([p.edges[0]]);
    expect(downstream!.inputs).toEqual([p.edges[0]]);
    expect(upstream!.outputSchema.fields.map((f) => f.name)).toEqual(['id', 'user', 'amount']);
    expect(downstream!.inputSchema).toEqual(upstream!.outputSchema);
    expect(downstream!.outputSchema.fields.map((f) => f.name)).toEqual(['id', 'user', 'doubled']);
  });

  it('keeps key_by chained at parallelism 1', () => {
    const p = plan(spec(1, { transformations: [FILTER, KEY_BY_USER, PROJECT] }));
    expect(shape(p)).toEqual({ tasks: [['task-1', 'nats-source -> filter -> key_by -> project -> nats-sink', 1]], edges: [] });
  });

  it('fuses every sink into the last task', () => {
    const p = plan(spec(2, { sinks: [NATS_SINK, { type: 'stdout' }, { type: 'preview' }] }));
    expect(shape(p).tasks).toEqual([['task-1', 'nats-source -> filter -> project -> nats-sink -> stdout-sink -> preview-sink', 2]]);
    expect(p.tasks[0]!.operators.map((o) => o.kind)).toEqual(['source', 'filter', 'project', 'sink', 'sink', 'sink']);
  });

  it('puts every sink in one task after a trailing shuffle', () => {
    const p = plan(spec(3, { transformations: [KEY_BY_USER], sinks: [NATS_SINK, { type: 'blackhole' }] }));
    expect(shape(p)).toEqual({
      tasks: [
        ['task-1', 'nats-source -> key_by', 3],
        ['task-2', 'nats-sink -> blackhole-sink', 3],
      ],
      edges: [['e0', 'task-1', 'task-2', 'shuffle', ['user']]],
    });
    expect(p.tasks[1]!.inputSchema.fields.map((f) => f.name)).toEqual(['id', 'user', 'amount']);
  });

  it('gives each of several sources its own task feeding the pipeline one-to-one', () => {
    const p = plan(spec(2, { sources: [natsSource('a'), natsSource('b')] }));
    expect(shape(p)).toEqual({
      tasks: [
        ['task-1', 'nats-source', 2],
        ['task-2', 'nats-source', 2],
        ['task-3', 'filter -> project -> nats-sink', 2],
      ],
      edges: [
        ['e0', 'task-1', 'task-3', 'forward', []],
        ['e1', 'task-2', 'task-3', 'forward', []],
      ],
    });
    expect(p.tasks[0]!.inputSchema).toEqual(p.tasks[0]!.outputSchema);
    expect(p.tasks[2]!.inputs.map((e) => e.edge_id)).toEqual(['e0', 'e1']);
  });

  it('groups sinks fed straight from several sources into one task', () => {
    const p = plan(spec(1, { sources: [natsSource('a'), natsSource('b')], transformations: [], sinks: [NATS_SINK, { type: 'stdout' }] }));
    expect(shape(p)).toEqual({
      tasks: [
        ['task-1', 'nats-source', 1],
        ['task-2', 'nats-source', 1],
        ['task-3', 'nats-sink -> stdout-sink', 1],
      ],
      edges: [
        ['e0', 'task-1', 'task-3', 'forward', []],
        ['e1', 'task-2', 'task-3', 'forward', []],
      ],
    });
  });

  it('is deterministic: the same spec gives the same plan JSON', () => {
    const body = spec(4, { sources: [natsSource('a'), natsSource('b')], transformations: [FILTER, KEY_BY_USER, PROJECT], sinks: [NATS_SINK, { type: 'stdout' }] });
    const first = JSON.stringify(plan(body));
    const again = JSON.stringify(plan(validateJobSpec(JSON.parse(JSON.stringify(body)))));
    expect(again).toBe(first);
    expect(JSON.parse(first).tasks.map((t: { task_id: string }) => t.task_id)).toEqual(['task-1', 'task-2', 'task-3', 'task-4']);
  });

  it('refuses a graph with a cycle', () => {
    const graph = buildLogicalGraph(spec(1));
    const cyclic: LogicalGraph = { nodes: graph.nodes, edges: [...graph.edges, { from: 'transform-1', to: 'transform-0', kind: 'forward' }] };
    expect(() => buildPhysicalPlan(cyclic)).toThrow(InternalError);
  });
});

describe('planning an aggregate', () => {
  const AGGREGATE = { type: 'aggregate', config: { group_by: ['user'], aggregates: ['count(*) AS n', 'sum(amount) AS total'] } };
  const PROJECT_AFTER = { type: 'project', config: { expressions: ['user', 'total / n AS mean'] } };

  it('shuffles into the aggregate on its group_by at parallelism 2 and starts a task there', () => {
    const s = spec(2, { transformations: [FILTER, AGGREGATE] });
    const graph = buildLogicalGraph(s);
    expect(graph.edges[1]).toEqual({ from: 'transform-0', to: 'transform-1', kind: 'shuffle', keys: ['user'] });
    const p = plan(s);
    expect(shape(p)).toEqual({
      tasks: [
        ['task-1', 'nats-source -> filter', 2],
        ['task-2', 'aggregate -> nats-sink', 2],
      ],
      edges: [['e0', 'task-1', 'task-2', 'shuffle', ['user']]],
    });
    expect(p.tasks[1]!.operators[0]).toEqual({ kind: 'aggregate', group_by: ['user'], aggregates: ['count(*) AS n', 'sum(amount) AS total'] });
    expect(p.tasks[1]!.inputSchema.fields.map((f) => f.name)).toEqual(['id', 'user', 'amount']);
    expect(p.tasks[1]!.outputSchema.fields).toEqual([
      { name: 'user', type: 'utf8', nullable: true },
      { name: 'n', type: 'int64', nullable: false },
      { name: 'total', type: 'float64', nullable: true },
    ]);
  });

  it('keeps the aggregate chained at parallelism 1', () => {
    const p = plan(spec(1, { transformations: [FILTER, AGGREGATE, PROJECT_AFTER] }));
    expect(shape(p)).toEqual({ tasks: [['task-1', 'nats-source -> filter -> aggregate -> project -> nats-sink', 1]], edges: [] });
  });

  it('uses the shuffle of a key_by on the same keys instead of adding a second one', () => {
    const p = plan(spec(2, { transformations: [KEY_BY_USER, AGGREGATE, PROJECT_AFTER] }));
    expect(shape(p)).toEqual({
      tasks: [
        ['task-1', 'nats-source -> key_by', 2],
        ['task-2', 'aggregate -> project -> nats-sink', 2],
      ],
      edges: [['e0', 'task-1', 'task-2', 'shuffle', ['user']]],
    });
  });

  it('re-keys the shuffle when the key_by keys differ from group_by', () => {
    const byId = { type: 'key_by', config: { keys: ['id'] } };
    const p = plan(spec(2, { transformations: [byId, AGGREGATE] }));
    expect(shape(p).edges).toEqual([['e0', 'task-1', 'task-2', 'shuffle', ['user']]]);
  });

  it('shuffles every source into the aggregate and keeps a key_by after it as its own shuffle', () => {
    const p = plan(spec(3, { sources: [natsSource('a'), natsSource('b')], transformations: [AGGREGATE, { type: 'key_by', config: { keys: ['n'] } }] }));
    expect(shape(p)).toEqual({
      tasks: [
        ['task-1', 'nats-source', 3],
        ['task-2', 'nats-source', 3],
        ['task-3', 'aggregate -> key_by', 3],
        ['task-4', 'nats-sink', 3],
      ],
      edges: [
        ['e0', 'task-1', 'task-3', 'shuffle', ['user']],
        ['e1', 'task-2', 'task-3', 'shuffle', ['user']],
        ['e2', 'task-3', 'task-4', 'shuffle', ['n']],
      ],
    });
  });

  it('builds a chain whose aggregate produces the schema the plan promised', () => {
    const [first, task] = plan(spec(2, { transformations: [FILTER, AGGREGATE] })).tasks;
    const chain = buildChain(task!, { subtaskIndex: 1, parallelism: 2 });
    expect(chain.operators.map((o) => o.name)).toEqual(['aggregate']);
    expect([chain.sourceNode, chain.operatorNodes, chain.sinkNodes]).toEqual([null, ['transform-1'], ['sink-0']]);
    const upstream = buildChain(first!, { subtaskIndex: 0, parallelism: 2 });
    expect([upstream.sourceNode, upstream.operatorNodes, upstream.sinkNodes]).toEqual(['source-0', ['transform-0'], []]);
    expect(chain.operators[0]!.outputSchema).toEqual(task!.outputSchema);
    expect(typeof chain.operators[0]!.snapshot).toBe('function');
  });

  it('describes the aggregate in the JSON view', () => {
    const json = graphToJson(buildLogicalGraph(spec(2, { transformations: [AGGREGATE] })));
    expect(json.nodes[1]).toEqual({ id: 'transform-0', name: 'aggregate', parallelism: 2, description: 'group by user: count(*) AS n, sum(amount) AS total' });
  });
});
