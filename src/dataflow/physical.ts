// Physical planning: fuses forward chains of the logical graph into tasks (one process-local
// operator chain per subtask) and turns the remaining edges into data edges between tasks.
//
// Rules: a node joins its upstream's task when it has exactly one input, that input is a forward
// edge between equal parallelisms, and the upstream feeds nothing else. Sinks reading the same
// inputs form one group that counts as a single node, so a fan-out to several sinks stays in one
// task. Several sources therefore each get their own task feeding the next one one-to-one, and a
// shuffle edge always starts a new task.

import { InternalError } from '../errors.js';
import type { LogicalEdge, LogicalGraph, LogicalNode, PhysicalEdge, PhysicalPlan, PhysicalTask } from '../types.js';

/** A logical node, or a group of sinks with identical inputs: the unit of fusion. */
interface Unit {
  nodes: LogicalNode[];
  inputs: LogicalEdge[];
  outputs: Unit[];
  task?: PhysicalTask;
}

export function buildPhysicalPlan(graph: LogicalGraph): PhysicalPlan {
  const units = fusionUnits(graph);
  const tasks: PhysicalTask[] = [];
  const unitOf = new Map<string, Unit>();
  for (const unit of units) for (const n of unit.nodes) unitOf.set(n.id, unit);
  for (const unit of units) for (const e of unit.inputs) addOnce(unitOf.get(e.from)!.outputs, unit);

  const crossing: { from: Unit; to: Unit; edge: LogicalEdge }[] = [];
  for (const unit of units) {
    const head = unit.nodes[0]!;
    const only = unit.inputs.length === 1 ? unit.inputs[0]! : undefined;
    const upstream = only && unitOf.get(only.from)!;
    if (only && upstream && only.kind === 'forward' && upstream.outputs.length === 1 && upstream.nodes[0]!.parallelism === head.parallelism) {
      const task = upstream.task!;
      task.operators.push(...unit.nodes.map((n) => n.op));
      task.node_ids.push(...unit.nodes.map((n) => n.id));
      task.name += ` -> ${nameOf(unit)}`;
      task.outputSchema = unit.nodes[0]!.outputSchema;
      unit.task = task;
      continue;
    }
    unit.task = {
      task_id: `task-${tasks.length + 1}`,
      name: nameOf(unit),
      parallelism: head.parallelism,
      operators: unit.nodes.map((n) => n.op),
      node_ids: unit.nodes.map((n) => n.id),
      // A source-only task has no operator after its source; its "input" is what the source emits.
      inputSchema: head.inputSchema ?? head.outputSchema,
      outputSchema: head.outputSchema,
      inputs: [],
      outputs: [],
    };
    tasks.push(unit.task);
    for (const edge of unit.inputs) crossing.push({ from: unitOf.get(edge.from)!, to: unit, edge });
  }

  const edges: PhysicalEdge[] = crossing.map(({ from, to, edge }, i) => {
    const physical: PhysicalEdge = {
      edge_id: `e${i}`,
      from_task: from.task!.task_id,
      to_task: to.task!.task_id,
      input_index: edge.input_index ?? 0,
      kind: edge.kind,
      keys: edge.kind === 'shuffle' ? [...(edge.keys ?? [])] : [],
    };
    from.task!.outputs.push(physical);
    to.task!.inputs.push(physical);
    return physical;
  });
  return { tasks, edges };
}

/** Fusion units in topological order (ties broken by node order, so plans are deterministic). */
function fusionUnits(graph: LogicalGraph): Unit[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inputs = new Map<string, LogicalEdge[]>(graph.nodes.map((n) => [n.id, []]));
  for (const e of graph.edges) {
    if (!byId.has(e.from) || !byId.has(e.to)) throw new InternalError(`logical edge ${e.from} -> ${e.to} names an unknown node`);
    inputs.get(e.to)!.push(e);
  }

  const units: Unit[] = [];
  const sinkGroups = new Map<string, Unit>();
  const placed = new Set<string>();
  while (placed.size < graph.nodes.length) {
    const next = graph.nodes.find((n) => !placed.has(n.id) && inputs.get(n.id)!.every((e) => placed.has(e.from)));
    if (!next) throw new InternalError('logical graph has a cycle');
    placed.add(next.id);
    const ins = inputs.get(next.id)!;
    if (next.op.kind !== 'sink') {
      units.push({ nodes: [next], inputs: ins, outputs: [] });
      continue;
    }
    const signature = JSON.stringify([next.parallelism, ins.map((e) => [e.from, e.kind, e.keys ?? []])]);
    const group = sinkGroups.get(signature);
    if (group) group.nodes.push(next);
    else {
      const unit: Unit = { nodes: [next], inputs: ins, outputs: [] };
      sinkGroups.set(signature, unit);
      units.push(unit);
    }
  }
  return units;
}

function nameOf(unit: Unit): string {
  return unit.nodes.map((n) => n.name).join(' -> ');
}

function addOnce<T>(list: T[], item: T): void {
  if (!list.includes(item)) list.push(item);
}
