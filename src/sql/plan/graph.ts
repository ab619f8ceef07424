// Builds the LogicalGraph (src/types.ts) node by node. Every node runs at the job's parallelism;
// edges are forward, except into keyed operators (aggregates, joins), which get a hash shuffle
// on their keys when there is more than one subtask. A join's inputs carry input_index 0 / 1.

import type { LogicalEdge, LogicalGraph, LogicalNode, OperatorSpec, Schema } from '../../types.js';

export interface NodeInput {
  node: LogicalNode;
  /** Shuffle keys (columns of `node`'s output) when the operator is keyed. */
  keys?: string[];
}

export class GraphBuilder {
  readonly nodes: LogicalNode[] = [];
  readonly edges: LogicalEdge[] = [];
  /** One source node per table, however often the table is read (a NATS queue group must not be joined twice). */
  readonly sources = new Map<string, LogicalNode>();

  constructor(readonly parallelism: number) {}

  add(name: string, op: OperatorSpec, inputs: NodeInput[], outputSchema: Schema): LogicalNode {
    const node: LogicalNode = {
      id: `${op.kind}-${this.nodes.length}`,
      name,
      op,
      parallelism: this.parallelism,
      inputSchema: inputs[0]?.node.outputSchema ?? null,
      outputSchema,
    };
    this.nodes.push(node);
    inputs.forEach((input, i) => {
      const edge: LogicalEdge = { from: input.node.id, to: node.id, kind: 'forward' };
      if (input.keys && this.parallelism > 1) {
        edge.kind = 'shuffle';
        edge.keys = [...input.keys];
      }
      if (inputs.length > 1) edge.input_index = i;
      this.edges.push(edge);
    });
    return node;
  }

  graph(): LogicalGraph {
    // Only what feeds a sink runs (a statement that failed half-way may have left a dead end).
    const live = new Set(this.nodes.filter((n) => n.op.kind === 'sink').map((n) => n.id));
    for (let grew = true; grew; ) {
      grew = false;
      for (const e of this.edges) {
        if (live.has(e.to) && !live.has(e.from)) {
          live.add(e.from);
          grew = true;
        }
      }
    }
    return { nodes: this.nodes.filter((n) => live.has(n.id)), edges: this.edges.filter((e) => live.has(e.to)) };
  }
}
